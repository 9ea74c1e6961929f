package io.podium.agent;

import io.podium.core.RoleOutcome;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.session.SessionRequest;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.ImdsRenderer;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.PodState;
import io.podium.wire.v1.ServiceAccountKeys;
import io.podium.wire.v1.SessionCredentials;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's memory of its node, merged from the Watch streams of every server replica: the pods
 * with their role decisions, indexed by IP, and the credentials of their sessions, rendered once
 * for the metadata API when they arrive.
 *
 * <p>Replicas see the same cluster but not at the same instant, so a pod stays while any connected
 * replica still reports it, and a replica's snapshot removes only what no other replica holds. An
 * IP claimed by an old pod on a lagging replica and a new pod on another is therefore briefly
 * ambiguous (503), never answered wrongly. When every replica is away nothing is removed: the agent
 * keeps answering from what it knows.
 *
 * <p>Writes come from the streams' threads and serialise on this object; reads (the request path)
 * take no lock.
 */
final class NodeView {

  private static final Logger log = LoggerFactory.getLogger(NodeView.class);

  /** A pod, its decoded decision, and the key of its session when permitted. */
  record Entry(PodIdentity pod, PodState state, RoleOutcome outcome, String sessionKey) {}

  private final Clock clock;
  private final ImdsRenderer renderer;
  private final PodIpIndex index = new PodIpIndex();
  private final Map<String, Entry> pods = new ConcurrentHashMap<>();
  private final Map<String, CachedCredentials<ImdsDocuments>> credentials =
      new ConcurrentHashMap<>();
  private final Map<String, List<CompletableFuture<CachedCredentials<ImdsDocuments>>>> waiting =
      new ConcurrentHashMap<>();

  // Guarded by this.
  private final Map<Object, Set<String>> heldBy = new HashMap<>();
  private final Set<Object> synced = new HashSet<>();

  private final Map<String, List<CompletableFuture<Optional<Entry>>>> waitingForPod =
      new ConcurrentHashMap<>();

  private volatile boolean everSynced;
  private volatile Duration minRemaining;
  private volatile String node;
  private volatile ServiceAccountKeys keys;
  private volatile Consumer<ServiceAccountKeys> keysListener = keys -> {};

  NodeView(Clock clock, ImdsRenderer renderer, Duration minRemaining) {
    this.clock = clock;
    this.renderer = renderer;
    this.minRemaining = minRemaining;
  }

  // --- the request path ---------------------------------------------------------------------

  /**
   * The node's own addresses as the agent knows them ({@code --host-ip}): never served as a pod,
   * whatever a pod record says. Addresses the pods report as their host's count as well.
   */
  void nodeAddresses(Collection<InetAddress> addresses) {
    index.setNodeAddresses(addresses);
  }

  /** Whether any replica's snapshot has ever been complete: until then, answers are 503. */
  boolean everSynced() {
    return everSynced;
  }

  /** How many replicas' streams are open and synced now. */
  synchronized int syncedServers() {
    return synced.size();
  }

  Duration minRemaining() {
    return minRemaining;
  }

  PodLookup lookup(InetAddress ip) {
    return index.lookup(ip, clock.instant());
  }

  Optional<Entry> entry(String uid) {
    return Optional.ofNullable(pods.get(uid));
  }

  /** The node the servers authenticated this agent as; empty before a hello arrived. */
  Optional<String> node() {
    return Optional.ofNullable(node);
  }

  /**
   * Completes with the pod of {@code uid} once a server sends it (the caller bounds the wait), at
   * once when it is known.
   */
  CompletableFuture<Optional<Entry>> awaitPod(String uid) {
    CompletableFuture<Optional<Entry>> future = new CompletableFuture<>();
    waitingForPod.compute(
        uid,
        (k, list) -> {
          List<CompletableFuture<Optional<Entry>>> updated =
              list == null ? new ArrayList<>() : list;
          updated.add(future);
          return updated;
        });
    // Each waiter has its own future, so the identity equals that remove() uses is the one wanted.
    @SuppressWarnings("UndefinedEquals")
    var _ =
        future.whenComplete(
            (entry, failure) ->
                waitingForPod.computeIfPresent(
                    uid,
                    (k, list) -> {
                      list.remove(future);
                      return list.isEmpty() ? null : list;
                    }));
    Entry now = pods.get(uid);
    if (now != null) {
      future.complete(Optional.of(now));
    }
    return future;
  }

  /** Who hears the service-account signing keys the servers send (the last one set). */
  void onServiceAccountKeys(Consumer<ServiceAccountKeys> listener) {
    keysListener = listener;
    ServiceAccountKeys known = keys;
    if (known != null) {
      listener.accept(known);
    }
  }

  Optional<CachedCredentials<ImdsDocuments>> credentials(String sessionKey) {
    return Optional.ofNullable(credentials.get(sessionKey));
  }

  /** Completes when credentials for {@code sessionKey} arrive (the caller bounds the wait). */
  CompletableFuture<CachedCredentials<ImdsDocuments>> awaitCredentials(String sessionKey) {
    CompletableFuture<CachedCredentials<ImdsDocuments>> future = new CompletableFuture<>();
    waiting.compute(
        sessionKey,
        (k, list) -> {
          List<CompletableFuture<CachedCredentials<ImdsDocuments>>> updated =
              list == null ? new ArrayList<>() : list;
          updated.add(future);
          return updated;
        });
    // Also when the caller's bound completes the future first: nobody waits any more. Each waiter
    // has its own future, so the identity equals that remove() uses is the one wanted.
    @SuppressWarnings("UndefinedEquals")
    var _ =
        future.whenComplete(
            (credentials, failure) ->
                waiting.computeIfPresent(
                    sessionKey,
                    (k, list) -> {
                      list.remove(future);
                      return list.isEmpty() ? null : list;
                    }));
    // Arrived between the caller's check and the registration: complete at once.
    CachedCredentials<ImdsDocuments> now = credentials.get(sessionKey);
    if (now != null && now.remainingAt(clock.instant()).compareTo(minRemaining) >= 0) {
      future.complete(now);
    }
    return future;
  }

  int podCount() {
    return pods.size();
  }

  int credentialCount() {
    return credentials.size();
  }

  // --- the streams --------------------------------------------------------------------------

  synchronized void streamStarted(Object link) {
    heldBy.put(link, new HashSet<>());
    synced.remove(link);
  }

  synchronized void node(String authenticatedAs) {
    if (authenticatedAs != null && !authenticatedAs.isEmpty()) {
      node = authenticatedAs;
    }
  }

  /** Keys a server sent; replicas read the same API server, so the last one wins. */
  synchronized void serviceAccountKeys(ServiceAccountKeys message) {
    if (message.equals(keys)) {
      return;
    }
    keys = message;
    try {
      keysListener.accept(message);
    } catch (RuntimeException e) {
      log.warn("ignoring service-account keys this agent cannot read: {}", e.getMessage());
    }
  }

  synchronized void minRemaining(Duration serverMinRemaining) {
    if (serverMinRemaining.isPositive()) {
      minRemaining = serverMinRemaining;
    }
  }

  synchronized void podUpserted(Object link, PodState state) {
    Entry entry;
    try {
      entry = decode(state);
    } catch (RuntimeException e) {
      log.warn("ignoring a pod state this agent cannot read: {}", e.getMessage());
      return;
    }
    Set<String> held = heldBy.get(link);
    if (held != null) {
      held.add(entry.pod().uid());
    }
    pods.put(entry.pod().uid(), entry);
    index.upsert(entry.pod());
    List<CompletableFuture<Optional<Entry>>> waiters = waitingForPod.remove(entry.pod().uid());
    if (waiters != null) {
      List.copyOf(waiters).forEach(w -> w.complete(Optional.of(entry)));
    }
  }

  synchronized void podRemoved(Object link, String uid) {
    Set<String> held = heldBy.get(link);
    if (held != null) {
      held.remove(uid);
    }
    if (!heldByAnyone(uid)) {
      remove(uid);
      pruneCredentials();
    }
  }

  synchronized void credentialsArrived(SessionCredentials message) {
    String key = message.getSessionKey();
    Optional<SessionRequest> request = sessionFor(key);
    if (request.isEmpty()) {
      log.debug("credentials for a session no pod of this node uses ({})", key);
      return;
    }
    IssuedCredentials issued;
    try {
      issued = WireCodec.decodeCredentials(message);
    } catch (RuntimeException e) {
      log.warn(
          "ignoring unreadable credentials {}: {}", WireCodec.describe(message), e.getMessage());
      return;
    }
    CachedCredentials<ImdsDocuments> current = credentials.get(key);
    if (current != null && !issued.credentials().expiration().isAfter(current.expiration())) {
      // Several replicas may send the same session; keep the longest-lived.
      return;
    }
    var obtainedAt = WireCodec.obtainedAt(message);
    CachedCredentials<ImdsDocuments> fresh =
        new CachedCredentials<>(
            request.get(), issued, obtainedAt, renderer.render(request.get(), issued, obtainedAt));
    credentials.put(key, fresh);
    List<CompletableFuture<CachedCredentials<ImdsDocuments>>> waiters = waiting.remove(key);
    if (waiters != null) {
      waiters.forEach(w -> w.complete(fresh));
    }
  }

  synchronized void synced(Object link) {
    synced.add(link);
    everSynced = true;
    prune();
  }

  synchronized void streamEnded(Object link) {
    heldBy.remove(link);
    synced.remove(link);
    // Only a replica that is still synced may say what no longer exists.
    if (!synced.isEmpty()) {
      prune();
    }
  }

  /** A lookup's answer: the pod, as its link's stream will also report it. */
  synchronized void lookedUp(Object link, PodState state) {
    podUpserted(link, state);
  }

  // --- internals ----------------------------------------------------------------------------

  private Entry decode(PodState state) {
    PodIdentity pod = WireCodec.decodePod(state);
    RoleOutcome outcome =
        state.hasDecision()
            ? WireCodec.decodeDecision(pod, state.getDecision())
            : new RoleOutcome.Refused(
                RoleOutcome.Refusal.HOST_ADDRESS, "the pod has no role decision", pod);
    String key =
        outcome instanceof RoleOutcome.Permitted permitted
            ? WireCodec.sessionKey(permitted.request())
            : null;
    return new Entry(pod, state, outcome, key);
  }

  private Optional<SessionRequest> sessionFor(String key) {
    for (Entry entry : pods.values()) {
      if (key.equals(entry.sessionKey())
          && entry.outcome() instanceof RoleOutcome.Permitted permitted) {
        return Optional.of(permitted.request());
      }
    }
    return Optional.empty();
  }

  private boolean heldByAnyone(String uid) {
    for (Set<String> held : heldBy.values()) {
      if (held.contains(uid)) {
        return true;
      }
    }
    return false;
  }

  private void prune() {
    for (String uid : new ArrayList<>(pods.keySet())) {
      if (!heldByAnyone(uid)) {
        remove(uid);
      }
    }
    pruneCredentials();
  }

  private void remove(String uid) {
    pods.remove(uid);
    index.remove(uid);
  }

  private void pruneCredentials() {
    Set<String> used = new HashSet<>();
    for (Entry entry : pods.values()) {
      if (entry.sessionKey() != null) {
        used.add(entry.sessionKey());
      }
    }
    credentials.keySet().retainAll(used);
  }
}
