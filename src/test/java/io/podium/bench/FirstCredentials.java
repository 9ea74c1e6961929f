package io.podium.bench;

import com.google.errorprone.annotations.FormatMethod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.ApiObjects;
import io.podium.testing.KubernetesApiMock;
import io.podium.testing.PodiumProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The time-to-first-credentials benchmark ({@code bench/first-credentials.sh}): pods are created
 * one by one in fabric8's mock API server, and each pod's "SDK" asks Podium's metadata API for
 * credentials at the moment its pod is created, as a container that starts with its IP does.
 *
 * <p>Everything on Podium's side is the real path in real processes: {@code podium standalone}
 * (fabric8 informers on the mock, the broker, the metadata API), or {@code podium agent} fed over
 * gRPC with mutual TLS by {@code podium server} watching the mock. The STS emulator runs here, with
 * 50 to 150 ms of latency per answer, and remembers each session's latency so that STS's own time
 * can be subtracted per pod. Each pod has its own address in 127.0.0.0/8 (all of it is loopback on
 * Linux): its client binds that address, so Podium sees the pod's IP as the TCP peer, as through
 * the node's interception rule.
 *
 * <p>The client does what an AWS SDK's instance-metadata provider does when it starts (IMDSv2): PUT
 * a token, GET the role name, GET the role's credentials, on one keep-alive connection. Podium
 * holds a request from an address it does not know yet for {@code --pod-wait} until the informer
 * brings the pod. Writes one JSON object (the figures) to {@code --out}; progress on stderr.
 *
 * <pre>
 * FirstCredentials --mode standalone|agent-server --jar podium.jar --work DIR --out FILE
 *     [--pods 1000] [--warmup 100] [--pods-per-second 15] [--sts-latency-ms 50-150]
 *     [--warmup-pods-per-second R] [--reuse-ips K]
 * </pre>
 */
public final class FirstCredentials {

  private static final String NAMESPACE = "bench";
  private static final String NODE = "node-1";
  private static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/";

  /** An SDK's instance-metadata client gives up on a request after 1 s. */
  private static final long SDK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * How often a churn-switch client asks again while it is told another pod's role: often enough to
   * time the switch, seldom enough that hundreds of waiting clients do not become the load.
   */
  private static final long POLL_MILLIS = 50;

  /** What this client waits for at most, to measure how late an answer is rather than drop it. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The command line. */
  record Options(
      String mode,
      Path jar,
      Path work,
      Path out,
      int pods,
      int warmup,
      double podsPerSecond,
      double warmupPodsPerSecond,
      Duration stsMin,
      Duration stsMax,
      String stsRateLimit,
      int reuseIps) {

    static Options parse(String[] args) {
      Map<String, String> given = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("expected --option value, got " + args[i]);
        }
        given.put(args[i].substring(2), args[i + 1]);
      }
      if (args.length % 2 != 0) {
        throw new IllegalArgumentException("every option needs a value: " + Arrays.toString(args));
      }
      String mode = given.getOrDefault("mode", "standalone");
      if (!mode.equals("standalone") && !mode.equals("agent-server")) {
        throw new IllegalArgumentException("--mode is standalone or agent-server, got " + mode);
      }
      String[] latency = given.getOrDefault("sts-latency-ms", "50-150").split("-", 2);
      return new Options(
          mode,
          Path.of(require(given, "jar")),
          Path.of(require(given, "work")),
          Path.of(require(given, "out")),
          Integer.parseInt(given.getOrDefault("pods", "1000")),
          Integer.parseInt(given.getOrDefault("warmup", "100")),
          Double.parseDouble(given.getOrDefault("pods-per-second", "15")),
          Double.parseDouble(
              given.getOrDefault(
                  "warmup-pods-per-second", given.getOrDefault("pods-per-second", "15"))),
          Duration.ofMillis(Long.parseLong(latency[0])),
          Duration.ofMillis(Long.parseLong(latency[latency.length - 1])),
          given.get("sts-rate-limit"),
          Integer.parseInt(given.getOrDefault("reuse-ips", "0")));
    }

    private static String require(Map<String, String> given, String name) {
      String value = given.get(name);
      if (value == null) {
        throw new IllegalArgumentException("--" + name + " is required");
      }
      return value;
    }
  }

  /** One metadata request as the client saw it. */
  record Exchange(int status, String body, long nanos) {}

  /**
   * One pod's first credentials.
   *
   * @param added when the harness sent the pod's create request (its client asked at once)
   * @param created when the API server had answered the create
   * @param served when the credentials document had arrived; 0 if it never did
   * @param slowestRequestNanos the slowest of the client's requests (an SDK gives up after 1 s)
   * @param attempts requests made (3 when nothing had to be asked again)
   * @param stepNanos how long the token, the role name and the credentials took, retries included
   * @param failure why no credentials arrived, or null
   */
  record PodResult(
      String name,
      long added,
      long created,
      long served,
      long slowestRequestNanos,
      int attempts,
      long[] stepNanos,
      int staleAnswers,
      String failure) {}

  private FirstCredentials() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    System.setProperty("podium.jar", options.jar().toString());
    Files.createDirectories(options.work());
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    List<PodiumProcess> processes = new ArrayList<>();
    try (KubernetesApiMock api = KubernetesApiMock.start();
        NamespacedKubernetesClient cluster = api.client();
        StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      cluster.resource(ApiObjects.namespace(NAMESPACE, NAMESPACE + "-.*")).create();
      Path kubeconfig = api.writeKubeconfig(options.work().resolve("kubeconfig"));
      int stsPort = sts.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
      sts.faults().latency(options.stsMin(), options.stsMax());
      Map<String, String> awsKeys =
          Map.of(
              "AWS_ACCESS_KEY_ID", bootstrap.accessKeyId(),
              "AWS_SECRET_ACCESS_KEY", bootstrap.secretAccessKey());
      int imdsPort = PodiumProcess.freePort();
      long startNanos = System.nanoTime();
      switch (options.mode()) {
        case "standalone" -> {
          PodiumProcess standalone =
              PodiumProcess.start(
                  options.work(),
                  withRateLimit(standaloneArgs(kubeconfig, stsPort, imdsPort), options),
                  awsKeys);
          processes.add(standalone);
          standalone.awaitListening(imdsPort, Duration.ofMinutes(2));
        }
        case "agent-server" -> {
          makeCertificates(options.work());
          int serverPort = PodiumProcess.freePort();
          PodiumProcess server =
              PodiumProcess.start(
                  options.work(),
                  withRateLimit(
                      serverArgs(options.work(), kubeconfig, stsPort, serverPort), options),
                  awsKeys);
          processes.add(server);
          PodiumProcess agent =
              PodiumProcess.start(options.work(), agentArgs(options.work(), serverPort, imdsPort));
          processes.add(agent);
          server.awaitOutput("agent API on", Duration.ofMinutes(2));
          agent.awaitOutput("Synced with server", Duration.ofMinutes(2));
          agent.awaitListening(imdsPort, Duration.ofSeconds(60));
        }
        default -> throw new IllegalStateException(options.mode());
      }
      double startSeconds = (System.nanoTime() - startNanos) / 1e9;
      log("%s ready after %.1f s", options.mode(), startSeconds);

      // The JVMs are fresh: warm-up pods (not counted) bring the path to a node's steady state.
      List<PodResult> warm = run(cluster, clients, imdsPort, "warm", 21, options.warmup(), options);
      log("warm-up: %d pods, %d without credentials", warm.size(), failures(warm));
      long callsBefore = sts.stats().callCount("AssumeRole");
      Duration podiumCpuBefore = cpuTime(processes);
      Duration harnessCpuBefore = ownCpuTime();
      List<PodResult> measured = run(cluster, clients, imdsPort, "p", 20, options.pods(), options);
      long stsCalls = sts.stats().callCount("AssumeRole") - callsBefore;
      // CPU per pod: on 2 CPUs shared by everything, the harness's own share is what Podium's
      // tail waits behind.
      double podiumCpuPerPod =
          cpuTime(processes).minus(podiumCpuBefore).toNanos() / 1e6 / options.pods();
      double harnessCpuPerPod =
          ownCpuTime().minus(harnessCpuBefore).toNanos() / 1e6 / options.pods();
      for (PodiumProcess process : processes) {
        if (!process.isAlive()) {
          throw new IllegalStateException("a Podium process died: " + process.output());
        }
      }
      Map<String, Object> figures = figures(measured, sts, options);
      figures.put("sts_assume_role_calls", stsCalls);
      figures.put("podium_cpu_ms_per_pod", round(podiumCpuPerPod));
      figures.put("harness_cpu_ms_per_pod", round(harnessCpuPerPod));
      figures.put("sts_errors_throttling", sts.stats().errorCount("Throttling"));
      figures.put("ready_seconds", Math.round(startSeconds * 10) / 10.0);
      figures.put("warmup_pods", warm.size());
      figures.put("warmup_pods_per_second", options.warmupPodsPerSecond());
      figures.put("warmup_failures", failures(warm));
      Files.writeString(options.out(), JSON.writeValueAsString(figures));
    } finally {
      for (PodiumProcess process : processes) {
        process.close();
      }
    }
  }

  private static Duration cpuTime(List<PodiumProcess> processes) {
    return processes.stream().map(PodiumProcess::cpuTime).reduce(Duration.ZERO, Duration::plus);
  }

  /** This JVM's CPU time: the mock API server's, the STS emulator's and the clients'. */
  private static Duration ownCpuTime() {
    return ProcessHandle.current().info().totalCpuDuration().orElseThrow();
  }

  /** Creates {@code count} pods at the paced rate, each asked for at once; waits for all. */
  private static List<PodResult> run(
      NamespacedKubernetesClient cluster,
      ExecutorService clients,
      int imdsPort,
      String prefix,
      int ipBlock,
      int count,
      Options options)
      throws Exception {
    List<CompletableFuture<PodResult>> results = new ArrayList<>();
    List<CompletableFuture<PodResult>> all = new ArrayList<>();
    boolean warmUp = prefix.equals("warm");
    long intervalNanos =
        (long) (1e9 / (warmUp ? options.warmupPodsPerSecond() : options.podsPerSecond()));
    int reuse = warmUp ? 0 : options.reuseIps();
    if (reuse > 0 && reuse % 50 == 0) {
      throw new IllegalArgumentException("--reuse-ips must not be a multiple of the 50 roles");
    }
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      // Pacing the arrivals (not waiting for a condition): pod i is due at start + i / rate.
      long due = start + i * intervalNanos;
      for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
        LockSupport.parkNanos(due - now);
      }
      String name = "%s-%04d".formatted(prefix, i);
      // With --reuse-ips K, pod i takes the address of pod i − K, which leaves just before.
      int slot = reuse > 0 ? i % reuse : i;
      // 127.<block>.x.y: every address of 127.0.0.0/8 is the loopback interface's on Linux.
      String ip = "127.%d.%d.%d".formatted(ipBlock, slot / 250, slot % 250 + 2);
      String role = "bench-role-" + (i % 50);
      Pod pod = ApiObjects.pod(NAMESPACE, name).ip(ip).role(role).build();
      String leaving = reuse > 0 && i >= reuse ? "%s-%04d".formatted(prefix, i - reuse) : null;
      // The address's previous holder leaves once its own client is done (a pod lives longer
      // than its first request).
      CompletableFuture<?> leavingDone =
          leaving != null ? all.get(i - reuse) : CompletableFuture.completedFuture(null);
      String expected = reuse > 0 ? role : null;
      CompletableFuture<PodResult> result =
          leavingDone.thenApplyAsync(
              _ -> onePod(cluster, clients, imdsPort, name, ip, pod, leaving, expected), clients);
      all.add(result);
      if (reuse == 0 || i >= reuse) {
        results.add(result);
      }
      if ((i + 1) % 100 == 0) {
        log("%s: %d pods added", prefix, i + 1);
      }
    }
    List<PodResult> done = new ArrayList<>();
    for (CompletableFuture<PodResult> result : results) {
      done.add(result.get(60, TimeUnit.SECONDS));
    }
    return done;
  }

  /**
   * Starts the pod's client and creates the pod at the same moment; with {@code leaving}, first
   * deletes that pod, the address's previous holder (the IP goes back to the CNI's pool and comes
   * straight back for this pod).
   */
  private static PodResult onePod(
      NamespacedKubernetesClient cluster,
      ExecutorService clients,
      int imdsPort,
      String name,
      String ip,
      Pod pod,
      String leaving,
      String expectedRole) {
    if (leaving != null) {
      cluster.pods().inNamespace(NAMESPACE).withName(leaving).withGracePeriod(0).delete();
    }
    long added = System.nanoTime();
    CompletableFuture<PodResult> client =
        CompletableFuture.supplyAsync(
            () -> askAsAnSdk(imdsPort, name, ip, added, expectedRole), clients);
    cluster.resource(pod).create();
    long created = System.nanoTime();
    PodResult result = client.join();
    return new PodResult(
        name,
        added,
        created,
        result.served(),
        result.slowestRequestNanos(),
        result.attempts(),
        result.stepNanos(),
        result.staleAnswers(),
        result.failure());
  }

  /**
   * Token, role name, credentials: what an SDK asks when it starts, on one connection. With an
   * {@code expectedRole} (the address was another pod's a moment ago), the role name is asked again
   * every {@link #POLL_MILLIS} ms until it is the pod's own, for up to 10 s: each other role named
   * is a stale answer, and the time measured is until the pod's own role's credentials arrived.
   */
  private static PodResult askAsAnSdk(
      int imdsPort, String name, String ip, long added, String expectedRole) {
    long slowest = 0;
    int attempts = 0;
    int stale = 0;
    long[] steps = new long[3];
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .localAddress(InetAddress.getByName(ip))
            .connectTimeout(CLIENT_TIMEOUT)
            .build()) {
      URI base = URI.create("http://127.0.0.1:" + imdsPort);
      Exchange token =
          send(
              http,
              HttpRequest.newBuilder(base.resolve("/latest/api/token"))
                  .PUT(HttpRequest.BodyPublishers.noBody())
                  .header("X-aws-ec2-metadata-token-ttl-seconds", "21600"));
      attempts++;
      slowest = Math.max(slowest, token.nanos());
      steps[0] = token.nanos();
      if (token.status() != 200) {
        return failed(name, added, slowest, attempts, steps, "token: " + token.status());
      }
      // An SDK asks again when the answer is an error; at most three times here.
      Exchange role = null;
      String roleName = "";
      if (expectedRole == null) {
        for (int attempt = 0; attempt < 3 && (role == null || role.status() != 200); attempt++) {
          role = send(http, metadata(base, CREDENTIALS, token.body()));
          attempts++;
          slowest = Math.max(slowest, role.nanos());
          steps[1] += role.nanos();
        }
        if (role.status() != 200) {
          return failed(name, added, slowest, attempts, steps, "role name: " + role.status());
        }
        roleName = role.body().lines().findFirst().orElse("");
      } else {
        long deadline = added + CLIENT_TIMEOUT.toNanos();
        while (!roleName.equals(expectedRole)) {
          if (System.nanoTime() - deadline > 0) {
            return failed(
                name, added, slowest, attempts, steps, "own role never named; stale " + stale);
          }
          if (role != null) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
          }
          role = send(http, metadata(base, CREDENTIALS, token.body()));
          attempts++;
          slowest = Math.max(slowest, role.nanos());
          steps[1] += role.nanos();
          roleName = role.status() == 200 ? role.body().lines().findFirst().orElse("") : "";
          if (role.status() == 200 && !roleName.equals(expectedRole)) {
            stale++;
          }
        }
      }
      Exchange credentials = null;
      for (int attempt = 0;
          attempt < 3 && (credentials == null || credentials.status() != 200);
          attempt++) {
        credentials = send(http, metadata(base, CREDENTIALS + roleName, token.body()));
        attempts++;
        slowest = Math.max(slowest, credentials.nanos());
        steps[2] += credentials.nanos();
      }
      long served = System.nanoTime();
      if (credentials.status() != 200) {
        return failed(
            name, added, slowest, attempts, steps, "credentials: " + credentials.status());
      }
      JsonNode document = JSON.readTree(credentials.body());
      if (!"Success".equals(document.path("Code").asString())
          || document.path("AccessKeyId").asString().isEmpty()) {
        return failed(name, added, slowest, attempts, steps, "not a credentials document");
      }
      return new PodResult(name, added, 0, served, slowest, attempts, steps, stale, null);
    } catch (IOException | RuntimeException e) {
      return failed(name, added, slowest, attempts, steps, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(name, added, slowest, attempts, steps, "interrupted");
    }
  }

  private static HttpRequest.Builder metadata(URI base, String path, String token) {
    return HttpRequest.newBuilder(base.resolve(path))
        .GET()
        .header("X-aws-ec2-metadata-token", token);
  }

  private static Exchange send(HttpClient http, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<String> response =
        http.send(request.timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    return new Exchange(response.statusCode(), response.body(), System.nanoTime() - start);
  }

  private static PodResult failed(
      String name, long added, long slowest, int attempts, long[] steps, String failure) {
    return new PodResult(name, added, 0, 0, slowest, attempts, steps, 0, failure);
  }

  private static long failures(List<PodResult> results) {
    return results.stream().filter(r -> r.failure() != null).count();
  }

  /** Percentiles of (served − added − STS time) and the rest, from the measured pods. */
  static Map<String, Object> figures(List<PodResult> results, StsEmulator sts, Options options) {
    List<Double> beyondSts = new ArrayList<>();
    List<Double> total = new ArrayList<>();
    List<Double> stsTime = new ArrayList<>();
    List<Double> createCall = new ArrayList<>();
    List<List<Double>> steps = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<String> failures = new ArrayList<>();
    int overSdkTimeout = 0;
    int totalOverOneSecond = 0;
    int askedAgain = 0;
    int staleAnswers = 0;
    int podsWithStaleAnswers = 0;
    for (PodResult result : results) {
      staleAnswers += result.staleAnswers();
      if (result.staleAnswers() > 0) {
        podsWithStaleAnswers++;
      }
      createCall.add(millis(result.created() - result.added()));
      for (int step = 0; step < 3; step++) {
        steps.get(step).add(millis(result.stepNanos()[step]));
      }
      if (result.slowestRequestNanos() > SDK_TIMEOUT_NANOS) {
        overSdkTimeout++;
      }
      if (result.attempts() > 3) {
        askedAgain++;
      }
      if (result.failure() != null) {
        failures.add(result.name() + ": " + result.failure());
        continue;
      }
      // The session name is the default template's, {namespace}@{pod}.
      Duration delay =
          sts.stats()
              .injectedDelay(NAMESPACE + "@" + result.name())
              .orElseThrow(
                  () -> new IllegalStateException("no STS call seen for " + result.name()));
      long waited = result.served() - result.added();
      if (waited > SDK_TIMEOUT_NANOS) {
        totalOverOneSecond++;
      }
      total.add(millis(waited));
      stsTime.add(millis(delay.toNanos()));
      beyondSts.add(millis(waited - delay.toNanos()));
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("mode", options.mode());
    figures.put("pods", results.size());
    figures.put("pods_per_second", options.podsPerSecond());
    figures.put(
        "sts_rate_limit", options.stsRateLimit() == null ? "default" : options.stsRateLimit());
    figures.put(
        "sts_latency_ms", List.of(options.stsMin().toMillis(), options.stsMax().toMillis()));
    figures.put("served", total.size());
    figures.put("beyond_sts_ms", percentiles(beyondSts));
    figures.put("added_to_served_ms", percentiles(total));
    figures.put("sts_time_ms", percentiles(stsTime));
    figures.put("create_call_ms", percentiles(createCall));
    figures.put("token_ms", percentiles(steps.get(0)));
    figures.put("role_name_ms", percentiles(steps.get(1)));
    figures.put("credentials_ms", percentiles(steps.get(2)));
    figures.put("pods_with_a_request_over_1s", overSdkTimeout);
    figures.put("pods_over_1s_to_credentials", totalOverOneSecond);
    figures.put("pods_asked_again", askedAgain);
    figures.put("reuse_ips", options.reuseIps());
    figures.put("stale_role_answers", staleAnswers);
    figures.put("pods_with_stale_role_answers", podsWithStaleAnswers);
    figures.put("failures", failures.size());
    figures.put("failure_examples", failures.stream().limit(5).toList());
    return figures;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** Nearest-rank p50, p90, p99 and max, in ms rounded to 0.1. */
  static Map<String, Double> percentiles(List<Double> values) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (values.isEmpty()) {
      return out;
    }
    List<Double> sorted = values.stream().sorted().toList();
    for (var p :
        Map.of("p50", 0.50, "p90", 0.90, "p99", 0.99).entrySet().stream()
            .sorted(Map.Entry.comparingByValue())
            .toList()) {
      int rank = (int) Math.ceil(p.getValue() * sorted.size());
      out.put(p.getKey(), round(sorted.get(Math.max(1, rank) - 1)));
    }
    out.put("max", round(sorted.getLast()));
    out.put("min", round(sorted.getFirst()));
    return out;
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  /** {@code args} with {@code --sts-rate-limit} when the run sets one (else Podium's default). */
  private static List<String> withRateLimit(List<String> args, Options options) {
    if (options.stsRateLimit() == null) {
      return args;
    }
    List<String> with = new ArrayList<>(args);
    with.addAll(List.of("--sts-rate-limit", options.stsRateLimit()));
    return with;
  }

  private static List<String> standaloneArgs(Path kubeconfig, int stsPort, int imdsPort) {
    return List.of(
        "standalone",
        "--kubeconfig",
        kubeconfig.toString(),
        "--node",
        NODE,
        "--region",
        "us-east-1",
        "--sts-endpoint",
        "http://127.0.0.1:" + stsPort,
        "--role-base-arn",
        "arn:aws:iam::123456789012:role/",
        "--metadata-upstream",
        "none",
        "--availability-zone",
        "us-east-1a",
        "--container-credentials-listen",
        "none",
        "--imds-listen",
        "127.0.0.1:" + imdsPort,
        "--log-format",
        "text",
        "--metrics-listen",
        "none");
  }

  private static List<String> serverArgs(Path dir, Path kubeconfig, int stsPort, int port) {
    return List.of(
        "server",
        "--kubeconfig",
        kubeconfig.toString(),
        "--region",
        "us-east-1",
        "--sts-endpoint",
        "http://127.0.0.1:" + stsPort,
        "--role-base-arn",
        "arn:aws:iam::123456789012:role/",
        "--listen",
        "127.0.0.1:" + port,
        "--health-listen",
        "none",
        "--replica-id",
        "bench-server",
        "--tls-cert",
        dir.resolve("certs/server.crt").toString(),
        "--tls-key",
        dir.resolve("certs/server.key").toString(),
        "--tls-ca",
        dir.resolve("certs/ca.crt").toString(),
        "--log-format",
        "text",
        "--metrics-listen",
        "none");
  }

  private static List<String> agentArgs(Path dir, int serverPort, int imdsPort) {
    return List.of(
        "agent",
        "--node",
        NODE,
        "--server",
        "127.0.0.1:" + serverPort,
        "--container-credentials-listen",
        "none",
        "--imds-listen",
        "127.0.0.1:" + imdsPort,
        "--metadata-upstream",
        "none",
        "--availability-zone",
        "us-east-1a",
        "--region",
        "us-east-1",
        "--tls-cert",
        dir.resolve("certs/agent-" + NODE + ".crt").toString(),
        "--tls-key",
        dir.resolve("certs/agent-" + NODE + ".key").toString(),
        "--tls-ca",
        dir.resolve("certs/ca.crt").toString(),
        "--log-format",
        "text",
        "--metrics-listen",
        "none");
  }

  private static void makeCertificates(Path dir) throws Exception {
    PodiumProcess.makeCertificates(dir, NODE);
  }

  @FormatMethod
  private static void log(String format, Object... args) {
    System.err.println("[first-credentials] " + format.formatted(args));
  }
}
