package io.podium.server;

import io.podium.api.WireCodec;
import io.podium.api.v1.PodRemoved;
import io.podium.api.v1.PodState;
import io.podium.api.v1.SessionCredentials;
import io.podium.api.v1.SyncComplete;
import io.podium.api.v1.WatchEvent;
import io.podium.core.NamespacePolicy;
import io.podium.core.PodChangeListener;
import io.podium.core.PodIdentity;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.SessionRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The server's view of every node: which pods run where with their role decisions, and which agents
 * watch each node. Hears the pod source ({@link PodChangeListener}) and the broker's refreshes, and
 * sends each agent only its own node's pods and those pods' credentials.
 *
 * <p>One lock orders everything: a subscriber's snapshot and the changes after it are sent under
 * it, so an agent never misses a change between the two. Sends do not block (gRPC buffers them).
 */
public final class NodeHub implements PodChangeListener {

  private final RoleDecider decider;
  private final Function<String, NamespacePolicy> namespaces;
  private final Clock clock;

  // All guarded by this.
  private final Map<String, Tracked> byUid = new HashMap<>();
  private final Map<String, Map<String, Tracked>> byNode = new HashMap<>();
  private final Map<String, Set<AgentStream>> streams = new HashMap<>();
  // The latest credentials of every session a pod uses, as the broker rendered them. Kept here,
  // not read back from the broker, so that streaming never counts as a request for a session.
  private final Map<SessionRequest, SessionCredentials> latest = new HashMap<>();
  private final Map<SessionRequest, Integer> podsPerSession = new HashMap<>();
  // The nodes with a pod of each session, and how many: a refresh goes to those nodes' agents
  // without looking at any other pod (a scan of every pod per refresh grew with the cluster).
  private final Map<SessionRequest, Map<String, Integer>> nodesPerSession = new HashMap<>();

  /**
   * A pod and its role decision ({@code null} for a host-network pod). Its {@link PodState} is
   * encoded when sent, not kept: agents subscribe and pods change rarely, and a refresh sends only
   * credentials, while an encoded state per pod (role and session rendered anew for each pod) cost
   * more than the pod's record itself.
   */
  private record Tracked(PodIdentity pod, RoleOutcome outcome) {

    /** The session the pod uses, if permitted: one instance per session, shared by its pods. */
    SessionRequest session() {
      return outcome instanceof RoleOutcome.Permitted permitted ? permitted.request() : null;
    }

    PodState state() {
      return WireCodec.encode(pod, outcome);
    }

    WatchEvent event() {
      return WatchEvent.newBuilder().setPod(state()).build();
    }
  }

  public NodeHub(RoleDecider decider, Function<String, NamespacePolicy> namespaces, Clock clock) {
    this.decider = decider;
    this.namespaces = namespaces;
    this.clock = clock;
  }

  @Override
  public synchronized void podUpserted(PodIdentity pod) {
    Tracked previous = byUid.get(pod.uid());
    Tracked tracked = track(pod);
    if (previous != null && !Objects.equals(previous.pod().nodeName(), pod.nodeName())) {
      // Moved between nodes (only ever from "not scheduled"): the old node's agent forgets it.
      forget(previous);
    }
    if (previous != null && previous.state().equals(tracked.state())) {
      return;
    }
    byUid.put(pod.uid(), tracked);
    countSession(tracked.session(), 1);
    if (previous != null) {
      countSession(previous.session(), -1);
    }
    if (pod.nodeName() != null) {
      Tracked replaced =
          byNode
              .computeIfAbsent(pod.nodeName(), n -> new LinkedHashMap<>())
              .put(pod.uid(), tracked);
      if (replaced != null) {
        countOnNode(replaced.session(), pod.nodeName(), -1);
      }
      countOnNode(tracked.session(), pod.nodeName(), 1);
      if (streams.containsKey(pod.nodeName())) {
        sendToNode(pod.nodeName(), tracked.event());
      }
      if (tracked.session() != null
          && (previous == null || !tracked.session().equals(previous.session()))) {
        cachedCredentials(tracked.session())
            .ifPresent(c -> sendToNode(pod.nodeName(), credentialsEvent(c)));
      }
    }
  }

  @Override
  public synchronized void podRemoved(PodIdentity pod) {
    Tracked previous = byUid.remove(pod.uid());
    if (previous != null) {
      forget(previous);
      countSession(previous.session(), -1);
    }
  }

  @Override
  public synchronized void namespaceChanged(String namespace) {
    for (Tracked tracked : new ArrayList<>(byUid.values())) {
      if (tracked.pod().namespace().equals(namespace)) {
        podUpserted(tracked.pod());
      }
    }
  }

  /**
   * New credentials for {@code request} (a broker refresh): sent to every node with a pod that uses
   * the session.
   */
  public synchronized void credentialsIssued(
      SessionRequest request, SessionCredentials credentials) {
    if (!podsPerSession.containsKey(request)) {
      return;
    }
    latest.put(request, credentials);
    WatchEvent event = credentialsEvent(credentials);
    for (String node : nodesPerSession.getOrDefault(request, Map.of()).keySet()) {
      sendToNode(node, event);
    }
  }

  /**
   * Adds {@code stream} for its node and sends it, in order: every pod of the node, the credentials
   * of their sessions that are cached, and SyncComplete.
   */
  public synchronized void subscribe(AgentStream stream) {
    streams.computeIfAbsent(stream.node(), n -> new LinkedHashSet<>()).add(stream);
    Map<String, Tracked> pods = byNode.getOrDefault(stream.node(), Map.of());
    Set<SessionRequest> sessions = new LinkedHashSet<>();
    for (Tracked tracked : pods.values()) {
      stream.send(tracked.event());
      if (tracked.session() != null) {
        sessions.add(tracked.session());
      }
    }
    for (SessionRequest session : sessions) {
      cachedCredentials(session).ifPresent(c -> stream.send(credentialsEvent(c)));
    }
    stream.send(WatchEvent.newBuilder().setSynced(SyncComplete.getDefaultInstance()).build());
  }

  public synchronized void unsubscribe(AgentStream stream) {
    Set<AgentStream> node = streams.get(stream.node());
    if (node != null) {
      node.remove(stream);
      if (node.isEmpty()) {
        streams.remove(stream.node());
      }
    }
  }

  /** Every open stream, e.g. to end them when the replica stops. */
  public synchronized List<AgentStream> streams() {
    List<AgentStream> all = new ArrayList<>();
    streams.values().forEach(all::addAll);
    return all;
  }

  /** Agents connected, for a gauge. */
  public synchronized int streamCount() {
    return streams.values().stream().mapToInt(Set::size).sum();
  }

  /** The role decision for {@code pod}, as the stream would send it. */
  public RoleOutcome decide(PodIdentity pod) {
    return decider.decide(pod, namespaces.apply(pod.namespace()));
  }

  private Tracked track(PodIdentity pod) {
    // A host-network pod shares the node's IP and never gets a role: no decision is sent.
    return new Tracked(pod, pod.hostNetwork() ? null : decide(pod));
  }

  private void forget(Tracked previous) {
    String node = previous.pod().nodeName();
    if (node == null) {
      return;
    }
    Map<String, Tracked> pods = byNode.get(node);
    if (pods != null) {
      Tracked removed = pods.remove(previous.pod().uid());
      if (removed != null) {
        countOnNode(removed.session(), node, -1);
      }
      if (pods.isEmpty()) {
        byNode.remove(node);
      }
    }
    sendToNode(
        node,
        WatchEvent.newBuilder()
            .setPodRemoved(PodRemoved.newBuilder().setUid(previous.pod().uid()))
            .build());
  }

  private void countOnNode(SessionRequest session, String node, int delta) {
    if (session == null) {
      return;
    }
    Map<String, Integer> nodes = nodesPerSession.computeIfAbsent(session, s -> new HashMap<>());
    int count = nodes.getOrDefault(node, 0) + delta;
    if (count <= 0) {
      nodes.remove(node);
      if (nodes.isEmpty()) {
        nodesPerSession.remove(session);
      }
    } else {
      nodes.put(node, count);
    }
  }

  private void sendToNode(String node, WatchEvent event) {
    Set<AgentStream> watching = streams.get(node);
    if (watching != null) {
      // A stream ended for not reading its events is dropped here, where the hub holds its lock.
      watching.removeIf(stream -> !stream.send(event));
      if (watching.isEmpty()) {
        streams.remove(node);
      }
    }
  }

  private Optional<SessionCredentials> cachedCredentials(SessionRequest session) {
    SessionCredentials credentials = latest.get(session);
    if (credentials == null
        || credentials.getExpirationUnixSeconds() <= clock.instant().getEpochSecond()) {
      return Optional.empty();
    }
    return Optional.of(credentials);
  }

  private void countSession(SessionRequest session, int delta) {
    if (session == null) {
      return;
    }
    int count = podsPerSession.getOrDefault(session, 0) + delta;
    if (count <= 0) {
      podsPerSession.remove(session);
      latest.remove(session);
    } else {
      podsPerSession.put(session, count);
    }
  }

  private static WatchEvent credentialsEvent(SessionCredentials credentials) {
    return WatchEvent.newBuilder().setCredentials(credentials).build();
  }
}
