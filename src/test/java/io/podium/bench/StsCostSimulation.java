package io.podium.bench;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.podium.core.CredentialOutcome;
import io.podium.core.PodCredentialService;
import io.podium.core.PodDirectory;
import io.podium.core.PodProblems;
import io.podium.core.Prefetcher;
import io.podium.core.Replicas;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.CredentialIssuer;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.broker.Scheduler;
import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.pod.PodPhase;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionNameTemplate;
import io.podium.core.session.SessionRequest;
import io.podium.core.session.SessionRequestFactory;
import io.podium.server.AgentIdentities;
import io.podium.server.NodeCredentialsService;
import io.podium.server.NodeHub;
import io.podium.server.NodeReports;
import io.podium.server.OwnedPrefetch;
import io.podium.server.PublishingRenderer;
import io.podium.server.RendezvousOwnership;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.wire.Rendezvous;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.LookupRequest;
import io.podium.wire.v1.LookupResponse;
import io.podium.wire.v1.SessionCredentials;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The STS cost of a simulated day (bench/sts-cost.sh): the core {@link CredentialBroker} and {@link
 * Prefetcher}, wired as {@code podium standalone} wires them, on a fake clock with a counting
 * issuer, while a cluster's pods come and go and ask for their credentials as the SDKs do. Prints
 * one JSON object: STS calls made, against the minimum the refresh rule allows.
 *
 * <p>The cluster: {@code --pods} pods in deployments of ten on average (replicas 2 to 18), fifty
 * namespaces with ten roles each ({@code --roles} in all), every namespace permitting its own roles
 * by a kiam regex. Through the day every deployment rolls out about twice (pods replaced one by
 * one), a fifth of them scale with a daily curve, and a hundred hourly jobs run for 3 to 15 minutes
 * each. The initial pods arrive over the first half hour (a cluster filling up). Every pod asks for
 * credentials a second after it starts and again when those have 15 minutes left (the Java SDK's
 * refresh point), and each answer is checked to carry at least {@code --min-remaining} of validity.
 *
 * <p>The minimum: a session is needed while at least one pod that uses it exists. Credentials
 * fetched at t may be served until {@code t + session - min-remaining} (40 minutes by default), so
 * the fewest calls that keep a session servable throughout its needed time are found greedily: call
 * when the need starts (or when the last credentials stop covering it) and count. The broker
 * refreshes before the end of that window, at a random fraction f between 0.70 and 0.85 of it, so
 * that sessions issued together do not refresh together and pods never wait: with f fixed, its
 * minimum is the same greedy count with windows of f × 40 minutes. The simulation therefore runs
 * the broker three times — f pinned at 0.85, f pinned at 0.70 (each must equal its greedy count
 * exactly: no duplicate, early or unneeded call) and f jittered as in production, which must lie
 * between the two. The absolute floor (f = 1) is shown too.
 *
 * <p>Then the same days with {@code --replicas} {@code podium server} replicas (3 by default), each
 * wired as {@code ServerProcess} wires it — its own broker, {@link NodeHub}, {@link
 * NodeCredentialsService} and {@link OwnedPrefetch} over the real {@link RendezvousOwnership} —
 * with a replica membership the simulation sets (Kubernetes Leases in production), and agents of
 * {@value #NODES} nodes that watch every replica, answer from pushed credentials and look a session
 * up at its owner when they lack it. Their calls must equal the same minimum. Finally one replica
 * dies at {@code --kill-at-minute} and the survivors take its sessions over.
 */
public final class StsCostSimulation {

  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final String ACCOUNT = "123456789012";
  private static final int NAMESPACES = 50;

  private final int podTarget;
  private final int roles;
  private final Duration day;
  private final long seed;
  // Nodes the pods run on: each has an agent streaming from every replica.
  private static final int NODES = 100;
  // How long the survivors take to see a dead replica: its Lease outlives its last renewal by
  // --lease-duration (10 s), and they read the Leases every --lease-renew (2 s).
  private static final Duration TAKEOVER_DELAY = Duration.ofSeconds(12);

  private final String template;
  private final boolean requests;
  private final int replicas;
  private final Duration killAt;

  private StsCostSimulation(
      int podTarget,
      int roles,
      Duration day,
      long seed,
      String template,
      boolean requests,
      int replicas,
      Duration killAt) {
    this.podTarget = podTarget;
    this.roles = roles;
    this.day = day;
    this.seed = seed;
    this.template = template;
    this.requests = requests;
    this.replicas = replicas;
    this.killAt = killAt;
  }

  public static void main(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    int pods = Integer.parseInt(options.getOrDefault("pods", "10000"));
    int roles = Integer.parseInt(options.getOrDefault("roles", "500"));
    Duration day = Duration.ofMinutes(Long.parseLong(options.getOrDefault("minutes", "1440")));
    long seed = Long.parseLong(options.getOrDefault("seed", "1"));
    boolean requests = Boolean.parseBoolean(options.getOrDefault("requests", "true"));
    int replicas = Integer.parseInt(options.getOrDefault("replicas", "3"));
    Duration killAt =
        Duration.ofMinutes(
            Long.parseLong(options.getOrDefault("kill-at-minute", "" + day.toMinutes() / 2)));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "cluster",
        Map.of(
            "pods",
            pods,
            "roles",
            roles,
            "namespaces",
            NAMESPACES,
            "minutes",
            day.toMinutes(),
            "seed",
            seed,
            "requests",
            requests,
            "replicas",
            replicas,
            "nodes",
            NODES));
    // Pods of a deployment share a session when the name comes from the service account; the
    // default template ({namespace}@{pod}) makes every pod its own session.
    for (String template : List.of("{namespace}@{serviceaccount}", SessionNameTemplate.DEFAULT)) {
      StsCostSimulation simulation =
          new StsCostSimulation(pods, roles, day, seed, template, requests, replicas, killAt);
      result.put(template, simulation.run());
    }
    System.out.println(JsonMapper.builder().build().writeValueAsString(result));
  }

  private Map<String, Object> run() {
    Map<String, Object> out = new LinkedHashMap<>();
    Run high = new Run(new PinnedFraction(true)).simulate();
    Run low = new Run(new PinnedFraction(false)).simulate();
    Run jittered = new Run(new SplittableRandom(seed + 1000)).simulate();
    SessionDurations durations = SessionDurations.defaults();
    Duration servable = durations.servable();
    Map<SessionRequest, List<Instant[]>> needs = high.needs;
    long floor = minimum(needs, servable.toNanos());
    out.put("distinct_sessions", needs.size());
    out.put("pods_over_the_day", high.podsStarted);
    out.put("credential_requests", high.requestsAnswered);
    out.put("minimum_any_cache", floor);
    out.put("f_0.85", high.report(minimum(needs, high.windowNanos(servable)), floor));
    out.put("f_0.70", low.report(minimum(needs, low.windowNanos(servable)), floor));
    Map<String, Object> production = jittered.report(null, floor);
    production.put("between_f_0.85_and_f_0.70", high.calls() <= jittered.calls());
    production.put(
        "within_bounds",
        minimum(needs, high.windowNanos(servable)) <= jittered.calls()
            && jittered.calls() <= minimum(needs, low.windowNanos(servable)));
    out.put("f_jittered_0.70_to_0.85", production);
    if (replicas > 1) {
      out.put("replicas", replicatedRuns(needs, floor, high, low, jittered));
    }
    return out;
  }

  /**
   * The same day with {@code replicas} server replicas sharing the STS work as {@code podium
   * server} does, every run checked against the single process's minimum: with f pinned (must be
   * equal), with production's jitter, and with one replica dying at {@code killAt}.
   */
  private Map<String, Object> replicatedRuns(
      Map<SessionRequest, List<Instant[]>> needs, long floor, Run high, Run low, Run jittered) {
    Duration servable = SessionDurations.defaults().servable();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("replicas", replicas);
    Run rHigh = new Run(new PinnedFraction(true), replicas, null).simulate();
    Run rLow = new Run(new PinnedFraction(false), replicas, null).simulate();
    Run rJittered = new Run(new SplittableRandom(seed + 1000), replicas, null).simulate();
    checkSameDay(high, rHigh);
    checkSameDay(low, rLow);
    checkSameDay(jittered, rJittered);
    out.put("f_0.85", rHigh.report(minimum(needs, rHigh.windowNanos(servable)), floor));
    out.put("f_0.70", rLow.report(minimum(needs, rLow.windowNanos(servable)), floor));
    Map<String, Object> production = rJittered.report(null, floor);
    production.put("single_process_calls", jittered.calls());
    production.put(
        "within_bounds",
        minimum(needs, rHigh.windowNanos(servable)) <= rJittered.calls()
            && rJittered.calls() <= minimum(needs, rLow.windowNanos(servable)));
    out.put("f_jittered_0.70_to_0.85", production);
    Run dies = new Run(new PinnedFraction(true), replicas, killAt).simulate();
    checkSameDay(high, dies);
    Map<String, Object> death = dies.report(minimum(needs, dies.windowNanos(servable)), floor);
    death.put("replica_died_at_minute", killAt.toMinutes());
    death.put("takeover_after_seconds", TAKEOVER_DELAY.toSeconds());
    death.put("sessions_held_by_dead_replica", dies.sessionsHeldByDeadReplica);
    death.put("calls_at_the_takeover_instant", dies.takeoverCalls);
    death.put("takeover_backlog_drained_after_seconds", dies.takeoverSeconds);
    death.put("extra_calls_vs_no_death", dies.calls() - rHigh.calls());
    out.put("one_replica_dies_f_0.85", death);
    Run diesJittered = new Run(new SplittableRandom(seed + 1000), replicas, killAt).simulate();
    checkSameDay(jittered, diesJittered);
    Map<String, Object> deathJittered = diesJittered.report(null, floor);
    deathJittered.put("extra_calls_vs_no_death", diesJittered.calls() - rJittered.calls());
    deathJittered.put("takeover_backlog_drained_after_seconds", diesJittered.takeoverSeconds);
    out.put("one_replica_dies_jittered", deathJittered);
    return out;
  }

  /** The replicated runs must see the very same cluster as the single process's. */
  private static void checkSameDay(Run single, Run replicated) {
    if (single.podsStarted != replicated.podsStarted
        || !single.needs.keySet().equals(replicated.needs.keySet())) {
      throw new IllegalStateException(
          "the replicated day differs from the single process's: "
              + replicated.podsStarted
              + " pods vs "
              + single.podsStarted);
    }
  }

  /**
   * The fewest STS calls that keep every session servable while it is needed, when one call's
   * credentials cover {@code windowNanos}: greedily, a call at the first needed instant not yet
   * covered.
   */
  static long minimum(Map<SessionRequest, List<Instant[]>> needs, long windowNanos) {
    long calls = 0;
    for (List<Instant[]> intervals : needs.values()) {
      List<Instant[]> sorted = new ArrayList<>(intervals);
      sorted.sort((a, b) -> a[0].compareTo(b[0]));
      Instant coveredUntil = Instant.MIN;
      for (Instant[] interval : sorted) {
        Instant t = interval[0].isAfter(coveredUntil) ? interval[0] : coveredUntil;
        while (t.isBefore(interval[1])) {
          calls++;
          coveredUntil = t.plusNanos(windowNanos);
          t = coveredUntil;
        }
      }
    }
    return calls;
  }

  /** A random source whose every fraction is the top (or bottom) of the range asked for. */
  private static final class PinnedFraction implements RandomGenerator {
    private final boolean top;

    PinnedFraction(boolean top) {
      this.top = top;
    }

    @Override
    public long nextLong() {
      return top ? -1L : 0L;
    }
  }

  /** One simulated day with one random source for the broker. */
  private final class Run {
    final RandomGenerator brokerRandom;
    // 1: the core wired as podium standalone wires it; more: podium server replicas.
    final int replicaCount;
    final Duration killAt;
    final List<Replica> servers = new ArrayList<>();
    final Map<String, SimulatedAgent> agents = new HashMap<>();
    long answeredFromPush;
    long lookups;
    long takeoverCalls;
    long takeoverSeconds = -1;
    Instant takeoverStarted;
    long sessionsHeldByDeadReplica;
    final MutableClock clock = new MutableClock(START);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final CountingIssuer issuer = new CountingIssuer(clock);
    final PodIpIndex index = new PodIpIndex();
    final Map<String, NamespacePolicy> policies = new HashMap<>();
    final Map<SessionRequest, List<Instant[]>> needs = new HashMap<>();
    final Map<String, Instant[]> openNeed = new HashMap<>();
    final Map<String, SessionRequest> sessionOf = new HashMap<>();
    final ArrayDeque<InetAddress> freeIps = new ArrayDeque<>();
    final SplittableRandom random = new SplittableRandom(seed);
    // Apart from the cluster's: when pods ask must not change which pods exist when.
    final SplittableRandom requestRandom = new SplittableRandom(seed * 31 + 7);
    final Map<String, List<PodIdentity>> byWorkload = new HashMap<>();
    final Map<String, Integer> suffix = new HashMap<>();
    RoleDecider decider;
    PodDirectory directory;
    CredentialBroker<Void> broker;
    Prefetcher prefetcher;
    PodCredentialService<Void> service;
    boolean ended;
    long podsStarted;
    long requestsAnswered;
    long requestsNotCached;
    long requestsUnderMinRemaining;
    long requestsRefused;
    Duration minRemaining;

    Run(RandomGenerator brokerRandom) {
      this(brokerRandom, 1, null);
    }

    Run(RandomGenerator brokerRandom, int replicaCount, Duration killAt) {
      this.brokerRandom = brokerRandom;
      this.replicaCount = replicaCount;
      this.killAt = killAt;
    }

    long calls() {
      long calls = issuer.calls;
      for (Replica server : servers) {
        calls += server.issuer.calls;
      }
      return calls;
    }

    int sessionsLeft() {
      if (servers.isEmpty()) {
        return broker.sessionCount();
      }
      int left = 0;
      for (Replica server : servers) {
        left += server.dead ? 0 : server.broker.sessionCount();
      }
      return left;
    }

    long windowNanos(Duration servable) {
      // The broker's own arithmetic: the fraction its random source gives, times the window.
      double fraction = brokerRandom.nextDouble(0.70, 0.85);
      return (long) (servable.toNanos() * fraction);
    }

    Map<String, Object> report(Long minimum, long floor) {
      Map<String, Object> report = new LinkedHashMap<>();
      long calls = calls();
      report.put("sts_calls", calls);
      if (minimum != null) {
        report.put("minimum", minimum);
        report.put("excess_calls", calls - minimum);
        report.put("equal_to_minimum", calls == minimum);
      }
      report.put("ratio_to_minimum_any_cache", Math.round(1000.0 * calls / floor) / 1000.0);
      if (!servers.isEmpty()) {
        List<Long> perReplica = new ArrayList<>();
        servers.forEach(server -> perReplica.add(server.issuer.calls));
        report.put("sts_calls_per_replica", perReplica);
        report.put("requests_answered_from_pushed_credentials", answeredFromPush);
        report.put("requests_that_needed_a_lookup", lookups);
      }
      report.put("requests_answered_from_cache", requestsAnswered - requestsNotCached);
      report.put("requests_that_waited_for_sts", requestsNotCached);
      report.put("requests_refused", requestsRefused);
      report.put("answers_under_min_remaining", requestsUnderMinRemaining);
      report.put("sessions_left_after_drain", sessionsLeft());
      return report;
    }

    Run simulate() {
      Optional<RoleBaseArn> base =
          Optional.of(RoleBaseArn.parse("arn:aws:iam::" + ACCOUNT + ":role/"));
      SessionDurations durations = SessionDurations.defaults();
      minRemaining = durations.minRemaining();
      SessionRequestFactory sessions =
          new SessionRequestFactory(
              SessionNameTemplate.parse(template),
              durations,
              Set.of(),
              Optional.empty(),
              Optional.empty());
      decider =
          new RoleDecider(new RoleResolver(base, Optional.empty()), new RolePolicy(true), sessions);
      broker =
          new CredentialBroker<>(
              issuer,
              (request, issued, at) -> null,
              BrokerSettings.defaults(durations),
              clock,
              scheduler,
              Runnable::run,
              BrokerObserver.NONE,
              brokerRandom);
      for (int n = 0; n < NAMESPACES; n++) {
        String namespace = namespace(n);
        policies.put(
            namespace,
            NamespacePolicy.compile(namespace, namespace + "-role-.*", AllowedRoles.ABSENT, base));
      }
      prefetcher = new Prefetcher(broker, decider, this::policy, clock);
      directory =
          new PodDirectory() {
            @Override
            public CompletionStage<PodLookup> findByIp(InetAddress ip) {
              return CompletableFuture.completedFuture(index.lookup(ip, clock.instant()));
            }

            @Override
            public CompletionStage<java.util.Optional<io.podium.core.pod.PodIdentity>> findByUid(
                String uid) {
              return CompletableFuture.completedFuture(index.pod(uid));
            }

            @Override
            public NamespacePolicy namespacePolicy(String namespace) {
              return policy(namespace);
            }
          };
      service =
          new PodCredentialService<>(directory, decider, broker, scheduler, Duration.ofMillis(900));
      if (replicaCount > 1) {
        startReplicas();
      }
      for (int i = 0; i < 65_000; i++) {
        freeIps.add(
            InetAddress.ofLiteral(
                "10." + (64 + i / 65_536) + "." + (i / 256 % 256) + "." + (i % 256)));
      }

      scheduleCluster();
      scheduler.advance(day);
      // The day ends with every pod gone (events still due, such as a late rollout's new pods,
      // start nothing); then the sessions must drain without further calls.
      ended = true;
      for (List<PodIdentity> pods : byWorkload.values()) {
        for (PodIdentity pod : List.copyOf(pods)) {
          stop(pod);
        }
      }
      scheduler.advance(Duration.ofHours(3));
      return this;
    }

    NamespacePolicy policy(String namespace) {
      NamespacePolicy policy = policies.get(namespace);
      return policy != null ? policy : NamespacePolicy.unannotated(namespace);
    }

    // --- the cluster's day -------------------------------------------------------------------

    void scheduleCluster() {
      int rolesPerNamespace = Math.max(1, roles / NAMESPACES);
      int workloads = Math.max(1, podTarget / 10);
      long dayMillis = day.toMillis();
      for (int w = 0; w < workloads; w++) {
        String workload = "app-" + w;
        String namespace = namespace(w % NAMESPACES);
        String role = namespace + "-role-" + (w / NAMESPACES % rolesPerNamespace);
        int replicas = 2 + random.nextInt(17);
        boolean scales = random.nextInt(5) == 0;
        for (int r = 0; r < replicas; r++) {
          at(
              random.nextLong(Duration.ofMinutes(30).toMillis()),
              () -> start(workload, namespace, role));
        }
        int rollouts = random.nextInt(5); // 0 to 4 a day, 2 on average
        for (int k = 0; k < rollouts; k++) {
          at(
              Duration.ofMinutes(30).toMillis()
                  + random.nextLong(Math.max(1, dayMillis - 1_800_000)),
              () -> rollout(workload, namespace, role));
        }
        if (scales) {
          for (long t = 1_800_000 + random.nextLong(900_000); t < dayMillis; t += 900_000) {
            double phase = 2 * Math.PI * t / Duration.ofDays(1).toMillis();
            int wanted = (int) Math.round(replicas * (1 + 0.5 * Math.sin(phase)));
            at(t, () -> scaleTo(workload, namespace, role, Math.max(1, wanted)));
          }
        }
      }
      int jobs = Math.max(1, podTarget / 100);
      for (int j = 0; j < jobs; j++) {
        String job = "job-" + j;
        String namespace = namespace(random.nextInt(NAMESPACES));
        String role = namespace + "-role-" + random.nextInt(rolesPerNamespace);
        long minute = random.nextLong(3_600_000);
        for (long t = minute; t < dayMillis; t += 3_600_000) {
          long runtime = Duration.ofMinutes(3).toMillis() + random.nextLong(720_000);
          at(
              t,
              () -> {
                PodIdentity pod = start(job, namespace, role);
                scheduler.schedule(Duration.ofMillis(runtime), () -> stop(pod));
              });
        }
      }
    }

    void rollout(String workload, String namespace, String role) {
      List<PodIdentity> old = List.copyOf(byWorkload.getOrDefault(workload, List.of()));
      long step = 0;
      for (PodIdentity pod : old) {
        step += 30_000;
        scheduler.schedule(Duration.ofMillis(step), () -> start(workload, namespace, role));
        scheduler.schedule(Duration.ofMillis(step + 20_000), () -> stop(pod));
      }
    }

    void scaleTo(String workload, String namespace, String role, int wanted) {
      List<PodIdentity> pods = byWorkload.getOrDefault(workload, List.of());
      for (int i = pods.size(); i < wanted; i++) {
        start(workload, namespace, role);
      }
      for (int i = pods.size(); i > wanted; i--) {
        stop(pods.getLast());
      }
    }

    PodIdentity start(String workload, String namespace, String role) {
      if (ended) {
        return null;
      }
      int n = suffix.merge(workload, 1, Integer::sum);
      String name = workload + "-" + Integer.toString(n, 36);
      InetAddress ip = freeIps.poll();
      if (ip == null) {
        throw new IllegalStateException("out of pod addresses");
      }
      PodIdentity pod =
          new PodIdentity(
              namespace + "/" + name + "/" + podsStarted,
              namespace,
              name,
              "sa-" + workload,
              "node-" + (podsStarted % NODES),
              List.of(ip),
              PodPhase.RUNNING,
              null,
              false,
              new PodAnnotations(role, null, null),
              null,
              List.of());
      podsStarted++;
      index.upsert(pod);
      byWorkload.computeIfAbsent(workload, k -> new ArrayList<>()).add(pod);
      if (decider.decide(pod, policy(namespace)) instanceof RoleOutcome.Permitted permitted) {
        sessionOf.put(pod.uid(), permitted.request());
        openNeed.put(pod.uid(), new Instant[] {clock.instant(), null});
        if (!servers.isEmpty()) {
          agents.get(pod.nodeName()).podAdded(WireCodec.sessionKey(permitted.request()));
        }
      }
      if (servers.isEmpty()) {
        prefetcher.podUpserted(pod);
      } else {
        // Every replica's informers hear the pod; the hub first, as ServerProcess adds them.
        for (Replica server : servers) {
          if (!server.dead) {
            server.hub.podUpserted(pod);
            server.prefetch.podUpserted(pod);
          }
        }
      }
      if (requests) {
        scheduler.schedule(Duration.ofSeconds(1), () -> request(pod));
      }
      return pod;
    }

    void stop(PodIdentity pod) {
      if (pod == null) {
        return;
      }
      List<PodIdentity> pods = byWorkload.get(workload(pod));
      if (pods == null || !pods.remove(pod)) {
        return;
      }
      index.remove(pod.uid());
      if (servers.isEmpty()) {
        prefetcher.podRemoved(pod);
      } else {
        for (Replica server : servers) {
          if (!server.dead) {
            server.hub.podRemoved(pod);
            server.prefetch.podRemoved(pod);
          }
        }
        SessionRequest session = sessionOf.get(pod.uid());
        if (session != null) {
          agents.get(pod.nodeName()).podRemoved(WireCodec.sessionKey(session));
        }
      }
      freeIps.add(pod.ips().getFirst());
      Instant[] need = openNeed.remove(pod.uid());
      if (need != null) {
        need[1] = clock.instant();
        if (need[1].isAfter(need[0])) {
          needs.computeIfAbsent(sessionOf.get(pod.uid()), k -> new ArrayList<>()).add(need);
        }
      }
      sessionOf.remove(pod.uid());
    }

    String workload(PodIdentity pod) {
      return pod.name().substring(0, pod.name().lastIndexOf('-'));
    }

    /** One SDK credentials request; the next when what it got has 15 minutes left. */
    void request(PodIdentity pod) {
      if (index.pod(pod.uid()).isEmpty()) {
        return;
      }
      if (!servers.isEmpty()) {
        requestThroughAgent(pod);
        return;
      }
      CompletableFuture<CredentialOutcome<Void>> answer =
          service.credentials(pod.ips().getFirst()).toCompletableFuture();
      requestsAnswered++;
      if (!answer.isDone()) {
        requestsNotCached++;
        var _ = answer.thenAccept(outcome -> followUp(pod, outcome));
        return;
      }
      followUp(pod, answer.join());
    }

    void followUp(PodIdentity pod, CredentialOutcome<Void> outcome) {
      if (!(outcome instanceof CredentialOutcome.Issued<Void> issued)) {
        requestsRefused++;
        scheduler.schedule(Duration.ofSeconds(5), () -> request(pod));
        return;
      }
      CachedCredentials<Void> credentials = issued.credentials();
      answered(pod, credentials.expiration());
    }

    /** Checks an answer's validity and schedules the SDK's next request. */
    void answered(PodIdentity pod, Instant expiration) {
      Instant now = clock.instant();
      if (Duration.between(now, expiration).compareTo(minRemaining) < 0) {
        requestsUnderMinRemaining++;
      }
      Duration untilRefresh =
          Duration.between(now, expiration.minus(Duration.ofMinutes(15)))
              .plusMillis(requestRandom.nextLong(60_000));
      scheduler.schedule(untilRefresh, () -> request(pod));
    }

    // --- podium server replicas and their agents -----------------------------------------------

    void startReplicas() {
      Set<String> ids = new TreeSet<>();
      for (int i = 0; i < replicaCount; i++) {
        ids.add("replica-" + i);
      }
      for (String id : ids) {
        RandomGenerator random =
            brokerRandom instanceof SplittableRandom splittable ? splittable.split() : brokerRandom;
        servers.add(new Replica(id, random, ids));
      }
      for (int n = 0; n < NODES; n++) {
        SimulatedAgent agent = new SimulatedAgent("node-" + n);
        agents.put(agent.node, agent);
        servers.forEach(agent::watch);
      }
      if (killAt != null) {
        at(killAt.toMillis(), this::killReplica);
      }
    }

    /**
     * The last replica dies without a word: its timers stop, its streams end. The survivors see its
     * Lease expire {@link #TAKEOVER_DELAY} later and take over its sessions.
     */
    void killReplica() {
      Replica victim = servers.getLast();
      victim.dead = true;
      sessionsHeldByDeadReplica = victim.broker.sessionCount();
      agents.values().forEach(agent -> agent.streams.remove(victim));
      scheduler.schedule(
          TAKEOVER_DELAY,
          () -> {
            Set<String> survivors = new TreeSet<>();
            servers.stream().filter(s -> !s.dead).forEach(s -> survivors.add(s.id));
            long before = calls();
            for (Replica server : servers) {
              if (!server.dead) {
                server.membership.change(survivors);
              }
            }
            takeoverStarted = clock.instant();
            takeoverCalls = calls() - before;
            awaitTakeover();
          });
    }

    /** Waits until the survivors' STS queues hold no more taken-over sessions. */
    void awaitTakeover() {
      int backlog = 0;
      for (Replica server : servers) {
        if (!server.dead) {
          backlog += server.broker.queuedCalls() + server.broker.pendingPrefetches();
        }
      }
      if (backlog == 0) {
        takeoverSeconds = Duration.between(takeoverStarted, clock.instant()).toSeconds();
        return;
      }
      scheduler.schedule(Duration.ofSeconds(1), this::awaitTakeover);
    }

    /**
     * An SDK request at the pod's agent: served from the credentials the owning replica pushed, or,
     * when none with enough validity are there, through a Lookup to the live replicas in the order
     * the agent asks them (the session's owner first), as {@code RemoteCallerCredentials}.
     */
    void requestThroughAgent(PodIdentity pod) {
      requestsAnswered++;
      SessionRequest session = sessionOf.get(pod.uid());
      if (session == null) {
        requestsRefused++;
        scheduler.schedule(Duration.ofSeconds(5), () -> request(pod));
        return;
      }
      SimulatedAgent agent = agents.get(pod.nodeName());
      String key = WireCodec.sessionKey(session);
      SessionCredentials pushed = agent.credentials.get(key);
      if (pushed != null && remaining(pushed).compareTo(minRemaining) >= 0) {
        answeredFromPush++;
        answered(pod, Instant.ofEpochSecond(pushed.getExpirationUnixSeconds()));
        return;
      }
      lookups++;
      List<Replica> order = new ArrayList<>(agent.streams.keySet());
      order.sort(Rendezvous.ownerFirst(key, (Replica server) -> server.id));
      LookupRequest lookup =
          LookupRequest.newBuilder()
              .setIp(WireCodec.encode(pod.ips().getFirst()))
              .setWantCredentials(true)
              .build();
      // The owner answers (its broker puts a waiting caller first in its STS queue) or the
      // lookup fails after --sts-wait and the SDK asks again.
      Replica owner = order.getFirst();
      CompletableFuture<LookupResponse> answer = new CompletableFuture<>();
      AgentIdentities.runAs(agent.node, () -> owner.service.lookup(lookup, new Answer(answer)));
      if (!answer.isDone()) {
        requestsNotCached++;
      }
      var _ =
          answer.whenComplete(
              (response, failure) -> {
                if (failure == null && response.hasCredentials()) {
                  agent.arrived(response.getCredentials());
                  answered(
                      pod,
                      Instant.ofEpochSecond(response.getCredentials().getExpirationUnixSeconds()));
                } else {
                  requestsRefused++;
                  scheduler.schedule(Duration.ofSeconds(5), () -> request(pod));
                }
              });
    }

    Duration remaining(SessionCredentials credentials) {
      return Duration.between(
          clock.instant(), Instant.ofEpochSecond(credentials.getExpirationUnixSeconds()));
    }

    /** One {@code podium server}: its own broker, hub, service and share of the sessions. */
    final class Replica {
      final String id;
      final CountingIssuer issuer = new CountingIssuer(clock);
      final SettableReplicas membership;
      final CredentialBroker<SessionCredentials> broker;
      final NodeHub hub;
      final NodeCredentialsService service;
      final OwnedPrefetch prefetch;
      boolean dead;

      Replica(String id, RandomGenerator random, Set<String> live) {
        this.id = id;
        this.membership = new SettableReplicas(id, live);
        // A dead process's timers never fire again.
        Scheduler timers =
            (delay, task) ->
                scheduler.schedule(
                    delay,
                    () -> {
                      if (!dead) {
                        task.run();
                      }
                    });
        PublishingRenderer renderer = new PublishingRenderer();
        broker =
            new CredentialBroker<>(
                issuer,
                renderer,
                BrokerSettings.defaults(SessionDurations.defaults()),
                clock,
                timers,
                Runnable::run,
                BrokerObserver.NONE,
                random);
        hub = new NodeHub(decider, Run.this::policy, clock);
        renderer.publishTo(hub::credentialsIssued);
        service =
            new NodeCredentialsService(
                hub,
                directory,
                broker,
                timers,
                Duration.ofMillis(900),
                minRemaining,
                () -> !dead,
                id,
                "simulation",
                NodeCredentialsService.DEFAULT_MAX_UNSENT_BYTES,
                PodProblems.NONE,
                NodeReports.none());
        prefetch =
            new OwnedPrefetch(
                new Prefetcher(broker, decider, Run.this::policy, clock),
                decider,
                Run.this::policy,
                new RendezvousOwnership(membership),
                listener -> index.pods().forEach(listener::podUpserted));
      }
    }

    /**
     * The agent of one node as far as STS calls go: the credentials its streams pushed (the
     * longest-lived per session, forgotten when no pod of the node uses the session, as the agent's
     * {@code NodeView} keeps them), and its open streams.
     */
    static final class SimulatedAgent {
      final String node;
      final Map<String, SessionCredentials> credentials = new HashMap<>();
      final Map<String, Integer> podsPerSession = new HashMap<>();
      final Map<Replica, AgentEnd> streams = new LinkedHashMap<>();

      SimulatedAgent(String node) {
        this.node = node;
      }

      void watch(Replica server) {
        AgentEnd end = new AgentEnd(this);
        streams.put(server, end);
        AgentIdentities.runAs(
            node, () -> server.service.watch(WatchRequest.newBuilder().setNode(node).build(), end));
      }

      void arrived(SessionCredentials message) {
        if (!podsPerSession.containsKey(message.getSessionKey())) {
          return;
        }
        SessionCredentials current = credentials.get(message.getSessionKey());
        if (current == null
            || message.getExpirationUnixSeconds() > current.getExpirationUnixSeconds()) {
          credentials.put(message.getSessionKey(), message);
        }
      }

      void podAdded(String key) {
        podsPerSession.merge(key, 1, Integer::sum);
      }

      void podRemoved(String key) {
        if (podsPerSession.merge(key, -1, Integer::sum) <= 0) {
          podsPerSession.remove(key);
          credentials.remove(key);
        }
      }
    }

    /** A replica membership set by the simulation, as Leases would make it. */
    private static final class SettableReplicas implements Replicas {
      private final String self;
      private final List<Runnable> listeners = new ArrayList<>();
      private Set<String> live;

      SettableReplicas(String self, Set<String> live) {
        this.self = self;
        this.live = Set.copyOf(live);
      }

      @Override
      public String self() {
        return self;
      }

      @Override
      public Optional<Set<String>> live() {
        return Optional.of(live);
      }

      @Override
      public void onChange(Runnable listener) {
        listeners.add(listener);
      }

      void change(Set<String> now) {
        live = Set.copyOf(now);
        listeners.forEach(Runnable::run);
      }
    }

    /** The server's end of one agent's Watch stream, delivering in-process. */
    private static final class AgentEnd extends ServerCallStreamObserver<WatchEvent> {
      private final SimulatedAgent agent;

      AgentEnd(SimulatedAgent agent) {
        this.agent = agent;
      }

      @Override
      public void onNext(WatchEvent event) {
        if (event.hasCredentials()) {
          agent.arrived(event.getCredentials());
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public void setOnCancelHandler(Runnable onCancelHandler) {}

      @Override
      public void setCompression(String compression) {}

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setOnReadyHandler(Runnable onReadyHandler) {}

      @Override
      public void disableAutoInboundFlowControl() {}

      @Override
      public void request(int count) {}

      @Override
      public void setMessageCompression(boolean enable) {}
    }

    /** Completes a future with a unary call's answer. */
    private record Answer(CompletableFuture<LookupResponse> future)
        implements StreamObserver<LookupResponse> {
      @Override
      public void onNext(LookupResponse response) {
        future.complete(response);
      }

      @Override
      public void onError(Throwable t) {
        future.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    }

    void at(long millisFromStart, Runnable event) {
      scheduler.schedule(Duration.ofMillis(millisFromStart), event);
    }

    String namespace(int n) {
      return String.format("ns-%02d", n);
    }
  }

  /** An STS stand-in that counts calls and issues credentials lasting the requested duration. */
  private static final class CountingIssuer implements CredentialIssuer {
    private final MutableClock clock;
    long calls;

    CountingIssuer(MutableClock clock) {
      this.clock = clock;
    }

    @Override
    public IssuedCredentials issue(SessionRequest request) {
      calls++;
      Credentials credentials =
          new Credentials(
              "ASIASIM" + calls,
              "secret-" + calls,
              "token-" + calls,
              clock.instant().plus(request.duration()));
      return new IssuedCredentials(
          credentials,
          "arn:aws:sts::"
              + ACCOUNT
              + ":assumed-role/"
              + request.role().name()
              + "/"
              + request.sessionName());
    }
  }
}
