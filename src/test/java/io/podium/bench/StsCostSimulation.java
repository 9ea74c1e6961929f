package io.podium.bench;

import io.podium.core.AllowedRoles;
import io.podium.core.BrokerObserver;
import io.podium.core.BrokerSettings;
import io.podium.core.CachedCredentials;
import io.podium.core.CredentialBroker;
import io.podium.core.CredentialIssuer;
import io.podium.core.CredentialOutcome;
import io.podium.core.Credentials;
import io.podium.core.IssuedCredentials;
import io.podium.core.NamespacePolicy;
import io.podium.core.PodAnnotations;
import io.podium.core.PodCredentialService;
import io.podium.core.PodDirectory;
import io.podium.core.PodIdentity;
import io.podium.core.PodIpIndex;
import io.podium.core.PodLookup;
import io.podium.core.PodPhase;
import io.podium.core.Prefetcher;
import io.podium.core.RoleBaseArn;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.RolePolicy;
import io.podium.core.RoleResolver;
import io.podium.core.SessionDurations;
import io.podium.core.SessionNameTemplate;
import io.podium.core.SessionRequest;
import io.podium.core.SessionRequestFactory;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
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
 */
public final class StsCostSimulation {

  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final String ACCOUNT = "123456789012";
  private static final int NAMESPACES = 50;

  private final int podTarget;
  private final int roles;
  private final Duration day;
  private final long seed;
  private final String template;
  private final boolean requests;

  private StsCostSimulation(
      int podTarget, int roles, Duration day, long seed, String template, boolean requests) {
    this.podTarget = podTarget;
    this.roles = roles;
    this.day = day;
    this.seed = seed;
    this.template = template;
    this.requests = requests;
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
            requests));
    // Pods of a deployment share a session when the name comes from the service account; the
    // default template ({namespace}-{pod}) makes every pod its own session.
    for (String template : List.of("{namespace}-{serviceaccount}", SessionNameTemplate.DEFAULT)) {
      StsCostSimulation simulation =
          new StsCostSimulation(pods, roles, day, seed, template, requests);
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
    return out;
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
      this.brokerRandom = brokerRandom;
    }

    long calls() {
      return issuer.calls;
    }

    long windowNanos(Duration servable) {
      // The broker's own arithmetic: the fraction its random source gives, times the window.
      double fraction = brokerRandom.nextDouble(0.70, 0.85);
      return (long) (servable.toNanos() * fraction);
    }

    Map<String, Object> report(Long minimum, long floor) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("sts_calls", issuer.calls);
      if (minimum != null) {
        report.put("minimum", minimum);
        report.put("excess_calls", issuer.calls - minimum);
        report.put("equal_to_minimum", issuer.calls == minimum);
      }
      report.put("ratio_to_minimum_any_cache", Math.round(1000.0 * issuer.calls / floor) / 1000.0);
      report.put("requests_answered_from_cache", requestsAnswered - requestsNotCached);
      report.put("requests_that_waited_for_sts", requestsNotCached);
      report.put("requests_refused", requestsRefused);
      report.put("answers_under_min_remaining", requestsUnderMinRemaining);
      report.put("sessions_left_after_drain", broker.sessionCount());
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
      PodDirectory directory =
          new PodDirectory() {
            @Override
            public CompletionStage<PodLookup> findByIp(InetAddress ip) {
              return CompletableFuture.completedFuture(index.lookup(ip, clock.instant()));
            }

            @Override
            public NamespacePolicy namespacePolicy(String namespace) {
              return policy(namespace);
            }
          };
      service =
          new PodCredentialService<>(directory, decider, broker, scheduler, Duration.ofMillis(900));
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
              "node-" + (podsStarted % 100),
              List.of(ip),
              PodPhase.RUNNING,
              null,
              false,
              new PodAnnotations(role, null, null),
              null);
      podsStarted++;
      index.upsert(pod);
      prefetcher.podUpserted(pod);
      byWorkload.computeIfAbsent(workload, k -> new ArrayList<>()).add(pod);
      if (decider.decide(pod, policy(namespace)) instanceof RoleOutcome.Permitted permitted) {
        sessionOf.put(pod.uid(), permitted.request());
        openNeed.put(pod.uid(), new Instant[] {clock.instant(), null});
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
      prefetcher.podRemoved(pod);
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
      CompletableFuture<CredentialOutcome<Void>> answer =
          service.credentials(pod.ips().getFirst()).toCompletableFuture();
      requestsAnswered++;
      if (!answer.isDone()) {
        requestsNotCached++;
        answer.thenAccept(outcome -> followUp(pod, outcome));
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
      Instant now = clock.instant();
      if (credentials.remainingAt(now).compareTo(minRemaining) < 0) {
        requestsUnderMinRemaining++;
      }
      Duration untilRefresh =
          Duration.between(now, credentials.expiration().minus(Duration.ofMinutes(15)))
              .plusMillis(requestRandom.nextLong(60_000));
      scheduler.schedule(untilRefresh, () -> request(pod));
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
