package io.podium.server;

import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleSource;
import io.podium.core.session.SessionRequest;
import io.podium.core.session.WeakInterner;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.PodRemoved;
import io.podium.wire.v1.PodState;
import io.podium.wire.v1.ServiceAccountKeys;
import io.podium.wire.v1.SessionCredentials;
import io.podium.wire.v1.SyncComplete;
import io.podium.wire.v1.WatchEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
  // Every pod by node and uid; pods not scheduled yet under the null node. A pod is found under
  // the node it reports: spec.nodeName, once set, never changes.
  private final Map<String, NodePods> byNode = new HashMap<>();
  private final WeakInterner<Grant> grants = new WeakInterner<>();
  private final Map<String, Set<AgentStream>> streams = new HashMap<>();
  // The latest credentials of every session a pod uses, as the broker rendered them. Kept here,
  // not read back from the broker, so that streaming never counts as a request for a session.
  private final Map<SessionRequest, SessionCredentials> latest = new HashMap<>();
  private final Map<SessionRequest, Integer> podsPerSession = new HashMap<>();
  // The nodes with a pod of each session, and how many: a refresh goes to those nodes' agents
  // without looking at any other pod (a scan of every pod per refresh grew with the cluster).
  private final Map<SessionRequest, Map<String, Integer>> nodesPerSession = new HashMap<>();
  // The cluster's service-account signing keys, sent to every agent; null until first read.
  private WatchEvent keys;

  /**
   * A permitted role without the pod it was decided for: what the pods of one session share, kept
   * once per session instead of once per pod.
   */
  private record Grant(RoleArn role, RoleSource source, SessionRequest request) {}

  /**
   * A pod and its role decision: a {@link Grant} when permitted, else the decision itself ({@code
   * null} for a host-network pod). Its {@link PodState} is encoded when sent, not kept: agents
   * subscribe and pods change rarely, and a refresh sends only credentials, while an encoded state
   * per pod (role and session rendered anew for each pod) cost more than the pod's record itself.
   */
  private record Tracked(PodIdentity pod, Grant grant, RoleOutcome unpermitted) {

    RoleOutcome outcome() {
      return grant == null
          ? unpermitted
          : new RoleOutcome.Permitted(pod, grant.role(), grant.source(), grant.request());
    }

    /** The session the pod uses, if permitted: one instance per session, shared by its pods. */
    SessionRequest session() {
      return grant == null ? null : grant.request();
    }

    PodState state() {
      return WireCodec.encode(pod, outcome());
    }

    WatchEvent event() {
      return WatchEvent.newBuilder().setPod(state()).build();
    }
  }

  /**
   * The pods of one node by uid: a list while there are few (a node runs at most a few hundred
   * pods; a list costs a reference per pod where a hash map costs an entry object), a map beyond
   * (the pods without a node may be many).
   */
  private static final class NodePods {
    private static final int MOST_IN_LIST = 256;

    private List<Tracked> list = new ArrayList<>();
    private Map<String, Tracked> map;

    Tracked get(String uid) {
      if (map != null) {
        return map.get(uid);
      }
      for (Tracked tracked : list) {
        if (tracked.pod().uid().equals(uid)) {
          return tracked;
        }
      }
      return null;
    }

    /** Files {@code tracked}, replacing the pod with its uid; returns the one replaced. */
    Tracked put(Tracked tracked) {
      String uid = tracked.pod().uid();
      if (map != null) {
        return map.put(uid, tracked);
      }
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).pod().uid().equals(uid)) {
          return list.set(i, tracked);
        }
      }
      list.add(tracked);
      if (list.size() > MOST_IN_LIST) {
        map = new LinkedHashMap<>();
        list.forEach(t -> map.put(t.pod().uid(), t));
        list = null;
      }
      return null;
    }

    Tracked remove(String uid) {
      if (map != null) {
        return map.remove(uid);
      }
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).pod().uid().equals(uid)) {
          return list.remove(i);
        }
      }
      return null;
    }

    boolean isEmpty() {
      return map != null ? map.isEmpty() : list.isEmpty();
    }

    Collection<Tracked> values() {
      return map != null ? map.values() : list;
    }
  }

  public NodeHub(RoleDecider decider, Function<String, NamespacePolicy> namespaces, Clock clock) {
    this.decider = decider;
    this.namespaces = namespaces;
    this.clock = clock;
  }

  @Override
  public synchronized void podUpserted(PodIdentity pod) {
    Tracked tracked = track(pod);
    String node = pod.nodeName();
    NodePods onNode = byNode.get(node);
    Tracked previous = onNode == null ? null : onNode.get(pod.uid());
    if (previous == null && node != null) {
      // Scheduled since the hub last heard of it: no longer among the pods without a node.
      Tracked unscheduled = removeFromNode(null, pod.uid());
      if (unscheduled != null) {
        countSession(unscheduled.session(), -1);
      }
    }
    if (previous != null && previous.state().equals(tracked.state())) {
      return;
    }
    byNode.computeIfAbsent(node, n -> new NodePods()).put(tracked);
    countSession(tracked.session(), 1);
    if (previous != null) {
      countSession(previous.session(), -1);
    }
    if (node == null) {
      return;
    }
    if (previous != null) {
      countOnNode(previous.session(), node, -1);
    }
    countOnNode(tracked.session(), node, 1);
    if (streams.containsKey(node)) {
      sendToNode(node, tracked.event());
    }
    if (tracked.session() != null
        && (previous == null || !tracked.session().equals(previous.session()))) {
      cachedCredentials(tracked.session()).ifPresent(c -> sendToNode(node, credentialsEvent(c)));
    }
  }

  @Override
  public synchronized void podRemoved(PodIdentity pod) {
    String node = pod.nodeName();
    Tracked previous = removeFromNode(node, pod.uid());
    if (previous == null && node != null) {
      previous = removeFromNode(null, pod.uid());
    }
    if (previous == null) {
      return;
    }
    countSession(previous.session(), -1);
    String trackedOn = previous.pod().nodeName();
    if (trackedOn != null) {
      countOnNode(previous.session(), trackedOn, -1);
      sendToNode(
          trackedOn,
          WatchEvent.newBuilder()
              .setPodRemoved(PodRemoved.newBuilder().setUid(previous.pod().uid()))
              .build());
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
   * The cluster's service-account signing keys changed: every agent gets them now, every agent that
   * subscribes later gets them before its snapshot.
   *
   * @param jwks the public keys as a JWKS document
   * @param issuers the accepted {@code iss} values; empty accepts any
   */
  public synchronized void serviceAccountKeys(String jwks, Collection<String> issuers) {
    keys =
        WatchEvent.newBuilder()
            .setServiceAccountKeys(
                ServiceAccountKeys.newBuilder().setJwks(jwks).addAllIssuers(issuers))
            .build();
    for (Set<AgentStream> node : streams.values()) {
      for (AgentStream stream : node) {
        stream.send(keys);
      }
    }
  }

  /**
   * Adds {@code stream} for its node and sends it, in order: the service-account signing keys (when
   * read), every pod of the node, the credentials of their sessions that are cached, and
   * SyncComplete.
   */
  public synchronized void subscribe(AgentStream stream) {
    streams.computeIfAbsent(stream.node(), n -> new LinkedHashSet<>()).add(stream);
    if (keys != null) {
      stream.send(keys);
    }
    NodePods pods = byNode.get(stream.node());
    Set<SessionRequest> sessions = new LinkedHashSet<>();
    for (Tracked tracked : pods == null ? List.<Tracked>of() : pods.values()) {
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
    if (pod.hostNetwork()) {
      // A host-network pod shares the node's IP and never gets a role: no decision is sent.
      return new Tracked(pod, null, null);
    }
    RoleOutcome outcome = decide(pod);
    if (outcome instanceof RoleOutcome.Permitted(_, var role, var source, var request)) {
      return new Tracked(pod, grants.intern(new Grant(role, source, request)), null);
    }
    return new Tracked(pod, null, outcome);
  }

  /** Forgets {@code uid} on {@code node} (null: the pods without a node); what it held, if any. */
  private Tracked removeFromNode(String node, String uid) {
    NodePods pods = byNode.get(node);
    if (pods == null) {
      return null;
    }
    Tracked removed = pods.remove(uid);
    if (pods.isEmpty()) {
      byNode.remove(node);
    }
    return removed;
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
