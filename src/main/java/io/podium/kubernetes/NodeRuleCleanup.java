package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes Podium off every node when it is uninstalled ({@code podium uninstall-nodes}, the chart's
 * pre-delete hook), in the one safe order: stop the node DaemonSet and wait until its pods are gone
 * (while they run they would put the interception rule back), then run a DaemonSet whose pods
 * remove the rule ({@code --cleanup} in an init container: a pod is ready once its node is clean),
 * wait until every scheduled pod is ready, and delete that DaemonSet. Until the rule is removed,
 * pods are refused on 169.254.169.254, never given the node's role.
 *
 * <p>Running it again after a failure is safe: a node DaemonSet already gone is skipped, and a
 * cleanup DaemonSet left behind is replaced.
 */
public final class NodeRuleCleanup {

  private static final Logger log = LoggerFactory.getLogger(NodeRuleCleanup.class);

  /** How many nodes a message names before it only counts the rest. */
  private static final int NODES_NAMED = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final Duration timeout;
  private final Clock clock;

  /** What a run did. */
  public record Result(boolean nodeDaemonSetFound, int nodesCleaned) {}

  /**
   * @param namespace where both DaemonSets live (the release's namespace)
   * @param timeout how long the whole run may take, both waits included
   */
  public NodeRuleCleanup(KubernetesClient client, String namespace, Duration timeout, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Stops {@code nodeDaemonSet}, removes the rule from every node with {@code cleanup}, and deletes
   * {@code cleanup} again (also when the run fails).
   *
   * @throws NodeCleanupException when a wait times out or the API server refuses, saying what is
   *     left to do
   */
  public Result run(String nodeDaemonSet, DaemonSet cleanup) {
    Instant deadline = clock.instant().plus(timeout);
    String cleanupName = cleanup.getMetadata().getName();
    boolean found = stop(nodeDaemonSet, deadline);
    try {
      replace(cleanup);
      int nodes = awaitEveryNode(cleanupName, deadline);
      return new Result(found, nodes);
    } finally {
      remove(cleanupName);
    }
  }

  /** Deletes the node DaemonSet and waits until no pod of it is left; false when it was absent. */
  private boolean stop(String name, Instant deadline) {
    String what = "daemonset " + namespace + "/" + name;
    boolean found;
    try {
      found =
          !client
              .apps()
              .daemonSets()
              .inNamespace(namespace)
              .withName(name)
              .withPropagationPolicy(DeletionPropagation.BACKGROUND)
              .delete()
              .isEmpty();
    } catch (KubernetesClientException e) {
      throw refused("cannot delete " + what, e);
    }
    log.info(found ? "deleted {}; waiting for its pods to stop" : "{} is gone already", what);
    var pods = client.pods().inNamespace(namespace);
    // An informer of our own, its handler added before it starts: fabric8's informOnCondition can
    // miss the initial empty list.
    SharedIndexInformer<Pod> informer = pods.runnableInformer(0);
    CompletableFuture<Void> gone = new CompletableFuture<>();
    Runnable check =
        () -> {
          if (informer.getStore().list().stream().noneMatch(pod -> ownedBy(pod, name))) {
            gone.complete(null);
          }
        };
    informer.addEventHandler(
        new ResourceEventHandler<Pod>() {
          @Override
          public void onAdd(Pod pod) {
            check.run();
          }

          @Override
          public void onUpdate(Pod before, Pod pod) {
            check.run();
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            check.run();
          }
        });
    try {
      informer
          .start()
          .toCompletableFuture()
          .get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
      check.run();
      gone.get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      List<Pod> left = pods.list().getItems().stream().filter(pod -> ownedBy(pod, name)).toList();
      throw new NodeCleanupException(
          "timed out after "
              + human(timeout)
              + " waiting for the "
              + left.size()
              + " pods of "
              + what
              + " to stop (nodes "
              + nodes(left.stream().map(NodeRuleCleanup::nodeOf).toList())
              + "); no rule was removed yet: run it again with a longer --timeout",
          e);
    } catch (ExecutionException e) {
      throw refused("cannot watch the pods of " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeCleanupException("interrupted while waiting for the pods of " + what, e);
    } finally {
      informer.close();
    }
    log.info("the pods of {} are gone", what);
    return found;
  }

  /** Creates the cleanup DaemonSet, replacing one an earlier run left behind. */
  private void replace(DaemonSet cleanup) {
    String name = cleanup.getMetadata().getName();
    try {
      var resource = client.apps().daemonSets().inNamespace(namespace).resource(cleanup);
      resource.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      resource.create();
    } catch (KubernetesClientException e) {
      throw refused("cannot create daemonset " + namespace + "/" + name, e);
    }
    log.info("created daemonset {}/{}: removing the rule on every node", namespace, name);
  }

  /** Waits until every pod the DaemonSet schedules is ready, that is, has cleaned its node. */
  private int awaitEveryNode(String name, Instant deadline) {
    var daemonSet = client.apps().daemonSets().inNamespace(namespace).withName(name);
    try {
      DaemonSet done =
          daemonSet.waitUntilCondition(
              NodeRuleCleanup::everyNodeDone,
              Math.max(1, remaining(deadline).toMillis()),
              TimeUnit.MILLISECONDS);
      int nodes = Objects.requireNonNull(done.getStatus().getDesiredNumberScheduled());
      log.info("the rule is removed on {} nodes", nodes);
      return nodes;
    } catch (KubernetesClientTimeoutException e) {
      throw unfinished(name, e);
    } catch (KubernetesClientException e) {
      throw refused("cannot watch daemonset " + namespace + "/" + name, e);
    }
  }

  /** Ready counts only once the controller has seen the current spec; ready means cleaned. */
  static boolean everyNodeDone(@Nullable DaemonSet daemonSet) {
    if (daemonSet == null || daemonSet.getStatus() == null) {
      return false;
    }
    DaemonSetStatus status = daemonSet.getStatus();
    Long generation = daemonSet.getMetadata().getGeneration();
    Long observed = status.getObservedGeneration();
    if (observed == null || (generation != null && observed < generation)) {
      return false;
    }
    Integer desired = status.getDesiredNumberScheduled();
    Integer ready = status.getNumberReady();
    return desired != null && ready != null && ready >= desired;
  }

  private NodeCleanupException unfinished(String name, Exception cause) {
    DaemonSet daemonSet = client.apps().daemonSets().inNamespace(namespace).withName(name).get();
    DaemonSetStatus status = daemonSet == null ? null : daemonSet.getStatus();
    int desired =
        status == null ? 0 : Objects.requireNonNullElse(status.getDesiredNumberScheduled(), 0);
    int ready = status == null ? 0 : Objects.requireNonNullElse(status.getNumberReady(), 0);
    List<String> pending =
        client.pods().inNamespace(namespace).list().getItems().stream()
            .filter(pod -> ownedBy(pod, name))
            .filter(pod -> !isReady(pod))
            .map(NodeRuleCleanup::nodeOf)
            .toList();
    return new NodeCleanupException(
        "timed out after "
            + human(timeout)
            + ": the rule is removed on "
            + ready
            + " of "
            + desired
            + " nodes"
            + (pending.isEmpty() ? "" : ", not yet on " + nodes(pending))
            + ": run podium standalone --cleanup on the others by hand, or run this again with a"
            + " longer --timeout",
        cause);
  }

  /** Deletes the cleanup DaemonSet; a failure here is logged, not thrown over the run's outcome. */
  private void remove(String name) {
    try {
      client
          .apps()
          .daemonSets()
          .inNamespace(namespace)
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      log.info("deleted daemonset {}/{}", namespace, name);
    } catch (KubernetesClientException e) {
      log.error("cannot delete daemonset {}/{}: {}", namespace, name, e.getMessage());
    }
  }

  /** As the flag is written: 4m, 90s, 1500ms. */
  static String human(Duration duration) {
    if (duration.toMillis() % 60_000 == 0) {
      return duration.toMinutes() + "m";
    }
    if (duration.toMillis() % 1000 == 0) {
      return duration.toSeconds() + "s";
    }
    return duration.toMillis() + "ms";
  }

  private Duration remaining(Instant deadline) {
    Duration left = Duration.between(clock.instant(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  private static boolean ownedBy(Pod pod, String daemonSet) {
    var owners = pod.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream()
            .anyMatch(
                owner -> "DaemonSet".equals(owner.getKind()) && daemonSet.equals(owner.getName()));
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String nodeOf(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node == null ? "unscheduled " + pod.getMetadata().getName() : node;
  }

  private static String nodes(List<String> nodes) {
    List<String> sorted = nodes.stream().sorted().toList();
    return sorted.size() <= NODES_NAMED
        ? String.join(", ", sorted)
        : String.join(", ", sorted.subList(0, NODES_NAMED))
            + " and "
            + (sorted.size() - NODES_NAMED)
            + " more";
  }

  private static NodeCleanupException refused(String what, @Nullable Throwable cause) {
    String reason = cause == null ? "unknown" : cause.getMessage();
    return new NodeCleanupException(what + ": " + reason, cause);
  }

  /** A run that could not finish, with a message that says what is left to do. */
  public static final class NodeCleanupException extends RuntimeException {
    NodeCleanupException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }
}
