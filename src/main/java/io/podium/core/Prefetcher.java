package io.podium.core;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches credentials as soon as a pod may use them, and lets them go when it no longer can:
 * follows pod and namespace changes, holds each pod's session in the broker, and releases it when
 * the pod leaves, changes role, or loses its permission.
 */
public final class Prefetcher implements PodChangeListener {

  private static final Logger log = LoggerFactory.getLogger(Prefetcher.class);

  private record Tracked(PodIdentity pod, SessionRequest held) {}

  private final CredentialBroker<?> broker;
  private final RoleDecider decider;
  private final Function<String, NamespacePolicy> namespaces;
  private final Clock clock;
  private final PodProblems problems;
  private final Map<String, Tracked> byUid = new HashMap<>();

  public Prefetcher(
      CredentialBroker<?> broker,
      RoleDecider decider,
      Function<String, NamespacePolicy> namespaces,
      Clock clock) {
    this(broker, decider, namespaces, clock, PodProblems.NONE);
  }

  /**
   * @param problems told when a pod's role is refused as the pod appears or its namespace changes,
   *     so that its owner hears of it before the pod first asks
   */
  public Prefetcher(
      CredentialBroker<?> broker,
      RoleDecider decider,
      Function<String, NamespacePolicy> namespaces,
      Clock clock,
      PodProblems problems) {
    this.broker = broker;
    this.decider = decider;
    this.namespaces = namespaces;
    this.clock = clock;
    this.problems = problems;
  }

  @Override
  public synchronized void podUpserted(PodIdentity pod) {
    track(pod);
  }

  @Override
  public synchronized void podRemoved(PodIdentity pod) {
    Tracked gone = byUid.remove(pod.uid());
    if (gone != null && gone.held() != null) {
      broker.release(gone.held());
    }
  }

  @Override
  public synchronized void namespaceChanged(String namespace) {
    for (Tracked tracked : byUid.values().toArray(Tracked[]::new)) {
      if (tracked.pod().namespace().equals(namespace)) {
        track(tracked.pod());
      }
    }
  }

  /** Sessions currently held for pods. */
  public synchronized int heldSessions() {
    return (int) byUid.values().stream().filter(t -> t.held() != null).count();
  }

  private void track(PodIdentity pod) {
    SessionRequest wanted = wantedSession(pod);
    Tracked before = byUid.put(pod.uid(), new Tracked(pod, wanted));
    SessionRequest held = before == null ? null : before.held();
    if (Objects.equals(held, wanted)) {
      return;
    }
    if (wanted != null) {
      broker.hold(wanted);
    }
    if (held != null) {
      broker.release(held);
    }
  }

  private SessionRequest wantedSession(PodIdentity pod) {
    if (!CredentialEligibility.mayHoldCredentials(pod, clock.instant())) {
      return null;
    }
    RoleOutcome outcome = decider.decide(pod, namespaces.apply(pod.namespace()));
    if (outcome instanceof RoleOutcome.Permitted permitted) {
      return permitted.request();
    }
    if (outcome instanceof RoleOutcome.Refused refused) {
      log.debug("not prefetching for {}: {}", pod.qualifiedName(), refused.reason());
      problems.roleRefused(pod, refused);
    }
    return null;
  }
}
