package io.podium.agent;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.podium.core.CallerCredentials;
import io.podium.core.TokenCallerCredentials;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.ImdsRenderer;
import io.podium.wire.ErrorDetails;
import io.podium.wire.Rendezvous;
import io.podium.wire.v1.ErrorReason;
import io.podium.wire.v1.LookupResponse;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's side of the agent API: one {@link ServerLink} to every replica behind every {@code
 * --server} name (re-resolved periodically, so replicas that come and go are followed), the merged
 * {@link NodeView}, and the {@link CallerCredentials} the metadata API answers from.
 */
public final class ServerConnections implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServerConnections.class);

  /**
   * How the agent talks to its servers.
   *
   * @param node the node the agent claims (checked by the server against what it authenticated);
   *     {@code null} for no claim
   * @param lookupDeadline the longest one lookup waits for a replica
   * @param pushWait how long a request waits for credentials the server is about to push before
   *     asking for them
   * @param outageFloor while no replica provides fresher ones, cached credentials are served down
   *     to this much validity left
   * @param minRemaining credentials with less left are refreshed before they are served (until a
   *     server says its own value)
   * @param resolveInterval how often {@code --server} names are resolved again
   */
  public record Settings(
      List<ServerAddress> servers,
      String node,
      Duration lookupDeadline,
      Duration pushWait,
      Duration outageFloor,
      Duration minRemaining,
      Duration resolveInterval,
      String version) {
    public Settings {
      servers = List.copyOf(servers);
      if (servers.isEmpty()) {
        throw new IllegalArgumentException("give at least one --server HOST:PORT");
      }
      if (outageFloor.compareTo(minRemaining) > 0) {
        throw new IllegalArgumentException("--outage-floor cannot exceed --min-remaining");
      }
    }
  }

  private final Settings settings;
  private final ChannelCredentials credentials;
  private final CallCredentials callCredentials;
  private final ScheduledExecutorService timers;
  private final AgentMetrics metrics;
  private final NodeView view;
  private final RemoteCallerCredentials callers;
  private final Map<String, ServerLink> links = new LinkedHashMap<>();
  private volatile NodeReporter reporter;
  private volatile TlsExplanations tls = TlsExplanations.NONE;
  private ScheduledFuture<?> resolving;
  private boolean closed;

  /**
   * @param callCredentials the agent's service-account token, or {@code null} (certificate only)
   * @param timers reconnections and re-resolution; owned by the caller
   */
  public ServerConnections(
      Settings settings,
      ChannelCredentials credentials,
      CallCredentials callCredentials,
      Clock clock,
      ScheduledExecutorService timers,
      PrometheusRegistry registry) {
    this.settings = settings;
    this.credentials = credentials;
    this.callCredentials = callCredentials;
    this.timers = timers;
    this.metrics = new AgentMetrics(registry);
    this.view =
        new NodeView(
            clock, new ImdsRenderer(JsonMapper.builder().build()), settings.minRemaining());
    this.callers = new RemoteCallerCredentials(view, this, clock, settings, metrics);
    metrics.watch(view::syncedServers, this::linkCount, view::podCount, view::credentialCount);
  }

  /**
   * Tells the agent its node's own addresses ({@code --host-ip}, {@code --host-ip6}): callers from
   * them get 403 at once, and no pod record claiming one is served. The host IPs the servers' pod
   * records carry count too.
   */
  public ServerConnections nodeAddresses(Collection<InetAddress> addresses) {
    view.nodeAddresses(addresses);
    return this;
  }

  /**
   * Explains failed TLS connections with {@code explanations} (the agent's own certificate and CA)
   * in the log and in {@link #tlsFailure()}. Call before {@link #start()}.
   */
  public ServerConnections explainTls(TlsExplanations explanations) {
    this.tls = explanations;
    return this;
  }

  /**
   * The latest TLS failure of a replica's link that is not synced now, in one line; empty when no
   * such link's last attempt failed in TLS. For the readiness check's reason.
   */
  public Optional<String> tlsFailure() {
    List<ServerLink> now;
    synchronized (this) {
      now = List.copyOf(links.values());
    }
    return now.stream()
        .filter(link -> !link.synced())
        .map(ServerLink::tlsFailure)
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** What the agent knows of its interception rule, for its reports to the servers. */
  public enum RuleState {
    /** The agent keeps the rule ({@code --iptables}) and its last check found it in place. */
    IN_PLACE,
    /** The agent keeps the rule and its last check failed. */
    FAILING,
    /** The agent does not manage the rule. */
    NOT_MANAGED
  }

  /**
   * Reports the node to the servers from now on: the interception rule's state and whether the
   * metadata API {@code listening} (with a replica's snapshot in), so that a server with {@code
   * --ready-taint} removes the node's start-up taint. Call before {@link #start()}.
   */
  public ServerConnections reportNode(Supplier<RuleState> rule, BooleanSupplier listening) {
    reporter =
        new NodeReporter(
            rule,
            () -> listening.getAsBoolean() && view.everSynced(),
            this::linksNow,
            new ExecutorScheduler(timers),
            REPORT_RETRY);
    return this;
  }

  /** How often an unfinished node report is sent again. */
  static final Duration REPORT_RETRY = Duration.ofSeconds(10);

  private synchronized List<ServerLink> linksNow() {
    return List.copyOf(links.values());
  }

  private void linkSynced(ServerLink link) {
    NodeReporter current = reporter;
    if (current != null) {
      current.synced(link);
    }
  }

  /** Resolves every {@code --server} and opens a stream to each replica found; never fails. */
  public synchronized ServerConnections start() {
    resolve();
    resolving =
        timers.scheduleWithFixedDelay(
            this::resolve,
            settings.resolveInterval().toMillis(),
            settings.resolveInterval().toMillis(),
            TimeUnit.MILLISECONDS);
    return this;
  }

  /** What the metadata API answers from. */
  public CallerCredentials<ImdsDocuments> callers() {
    return callers;
  }

  /**
   * What the container-credentials endpoint answers from: the same memory, the token's pod found by
   * the caller's address ({@code checkAddress}) or by the token's uid.
   */
  public TokenCallerCredentials<ImdsDocuments> tokenCallers(boolean checkAddress) {
    return callers.forTokens(checkAddress);
  }

  /**
   * Calls {@code listener} with the cluster's service-account signing keys whenever a server sends
   * new ones (at once, when some arrived already): the JWKS document and the accepted issuers.
   */
  public void onServiceAccountKeys(BiConsumer<String, List<String>> listener) {
    view.onServiceAccountKeys(keys -> listener.accept(keys.getJwks(), keys.getIssuersList()));
  }

  /** Whether any replica's snapshot was ever complete (until then every answer is 503). */
  public boolean everSynced() {
    return view.everSynced();
  }

  /** Replicas whose streams are open and synced now. */
  public int syncedServers() {
    return view.syncedServers();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (reporter != null) {
      reporter.close();
    }
    if (resolving != null) {
      resolving.cancel(false);
    }
    links.values().forEach(ServerLink::close);
    links.clear();
  }

  synchronized int linkCount() {
    return links.size();
  }

  /**
   * Asks the replicas about {@code ip}, synced ones first; a replica that cannot be reached is
   * skipped, and the first definite answer (a response or a refusal) wins.
   */
  CompletableFuture<LookupResponse> lookup(InetAddress ip, boolean wantCredentials) {
    return lookup(ip, wantCredentials, null);
  }

  /**
   * Asks synced replicas first; for a session, its owner first (the replica that fetches and
   * refreshes it, by the same rendezvous hashing the servers use), so that a credentials lookup
   * joins the owner's STS call instead of making another replica start one.
   */
  CompletableFuture<LookupResponse> lookup(
      InetAddress ip, boolean wantCredentials, String sessionKey) {
    List<ServerLink> synced = new ArrayList<>();
    List<ServerLink> order = new ArrayList<>();
    synchronized (this) {
      links.values().stream().filter(ServerLink::synced).forEach(synced::add);
      links.values().stream().filter(l -> !l.synced()).forEach(order::add);
    }
    if (sessionKey != null) {
      synced.sort(Rendezvous.ownerFirst(sessionKey, ServerLink::replica));
    }
    order.addAll(0, synced);
    return tryLinks(order, 0, ip, wantCredentials, null);
  }

  private CompletableFuture<LookupResponse> tryLinks(
      List<ServerLink> order, int i, InetAddress ip, boolean want, Throwable last) {
    if (i >= order.size()) {
      return CompletableFuture.failedFuture(
          last != null
              ? last
              : Status.UNAVAILABLE.withDescription("no server replica is known").asException());
    }
    ServerLink link = order.get(i);
    return link.lookup(ip, want, settings.lookupDeadline())
        .thenApply(
            response -> {
              if (response.hasPod()) {
                view.lookedUp(link, response.getPod());
              }
              if (response.hasCredentials()) {
                view.credentialsArrived(response.getCredentials());
              }
              return response;
            })
        .exceptionallyCompose(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (!retryElsewhere(cause)) {
                return CompletableFuture.failedFuture(cause);
              }
              if (i + 1 < order.size()) {
                metrics.lookupFailedOver();
              }
              return tryLinks(order, i + 1, ip, want, cause);
            });
  }

  /** A replica that is down, stopping or not synced: another may answer. */
  private static boolean retryElsewhere(Throwable failure) {
    ErrorReason reason = ErrorDetails.reason(failure);
    if (reason == ErrorReason.ERROR_REASON_NOT_READY
        || reason == ErrorReason.ERROR_REASON_SHUTTING_DOWN
        || reason == ErrorReason.ERROR_REASON_STS_UNAVAILABLE) {
      return true;
    }
    Status.Code code = ErrorDetails.code(failure);
    return reason == ErrorReason.ERROR_REASON_UNSPECIFIED
        && (code == Status.Code.UNAVAILABLE
            || code == Status.Code.DEADLINE_EXCEEDED
            || code == Status.Code.CANCELLED
            || code == Status.Code.UNKNOWN
            || code == Status.Code.INTERNAL);
  }

  private void resolve() {
    Set<String> seen = new HashSet<>();
    List<ServerLink> added = new ArrayList<>();
    List<ServerLink> gone = new ArrayList<>();
    for (ServerAddress server : settings.servers()) {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(server.host());
      } catch (UnknownHostException e) {
        log.warn("--server {} does not resolve (yet): {}", server, e.getMessage());
        // Keep the links we have for it: a DNS hiccup must not drop healthy streams.
        synchronized (this) {
          links.keySet().stream().filter(k -> k.startsWith(server + "@")).forEach(seen::add);
        }
        continue;
      }
      for (InetAddress address : addresses) {
        String key = server + "@" + address.getHostAddress();
        seen.add(key);
        synchronized (this) {
          if (closed || links.containsKey(key)) {
            continue;
          }
          ServerLink link =
              new ServerLink(
                  server.host(),
                  new InetSocketAddress(address, server.port()),
                  credentials,
                  callCredentials,
                  view,
                  settings.node(),
                  settings.version(),
                  timers,
                  metrics,
                  tls,
                  this::linkSynced);
          links.put(key, link);
          added.add(link);
        }
      }
    }
    synchronized (this) {
      for (var it = links.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        if (!seen.contains(entry.getKey())) {
          gone.add(entry.getValue());
          it.remove();
        }
      }
    }
    for (ServerLink link : gone) {
      log.info("Server {} no longer resolves: closing its stream", link.name());
      link.close();
    }
    for (ServerLink link : added) {
      log.info("Connecting to server {}", link.name());
      link.start();
    }
  }
}
