package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.stsemulator.BootstrapCredentials;
import io.podium.testing.PodiumProcess;
import io.podium.testing.SystemTools;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code podium standalone --iptables} on a node built of network namespaces ({@link NetworkLab}),
 * asked by unmodified AWS clients in pod namespaces that know nothing of Podium: no endpoint
 * variable is set, so they ask 169.254.169.254 (or fd00:ec2::254) as on EC2. A canary plays the
 * node's real metadata service on those addresses and records every caller; no pod may ever reach
 * it once the rule is in.
 *
 * <p>One node lives through the tests in order, as a node lives through a DaemonSet's life: the
 * init container installs the rule (cutting a connection opened before it), installs it again
 * (nothing changes), the agent serves, puts back a rule someone flushed, crashes, comes back,
 * stops, and {@code --cleanup} removes exactly what was installed. Subclasses run it on each
 * firewall backend.
 *
 * <p>Needs root, iproute2, iptables, nftables, conntrack, the AWS CLI v2, boto3, node with {@code
 * npm ci} run in src/test/js: CI has them all (.ci/run). A missing tool fails with its install
 * line; without root the tests follow {@code -Dpodium.interception} ({@link
 * SystemTools#requireRoot}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class InterceptionScenario {

  private static final String STS = "http://" + NetworkLab.BRIDGE_IP + ":4566";
  private static final String ACCOUNT = "123456789012";
  private static final Pattern COUNTERS = Pattern.compile("\\[\\d+:\\d+\\]");
  private static final Pattern NFT_COUNTERS = Pattern.compile("counter packets \\d+ bytes \\d+");
  private static final Map<String, String> ROLES =
      Map.of("web", "shop-web", "worker", "shop-worker", "batch", "shop-batch");

  private final JsonMapper json = JsonMapper.builder().build();

  private Path workDir;

  private NetworkLab lab;
  private Path podsFile;
  private NamespaceProcess canary;
  private PodiumProcess sts;
  private PodiumProcess agent;
  private NamespaceProcess keepAlive;
  private NamespaceProcess watch;
  private String before;
  private String installed;
  private int homes;
  private long killToRefusedMillis;

  /** A short name for namespace names: nft, legacy, nftables. */
  abstract String label();

  /** The backend's name as Podium reports it. */
  abstract String backendName();

  /** Extra options for the backend (none: Podium detects it). */
  abstract List<String> backendOptions();

  /** Why Podium chose the backend, as its log says. */
  abstract String detectionReason();

  /** Gives the node the firewall a node of this kind has before Podium arrives. */
  abstract void prepareNodeFirewall(String node);

  /** The rules Podium must install, as the backend's own listing prints them. */
  abstract List<String> expectedRules();

  /** Changes Podium's rule behind its back, as a CNI or an operator might. */
  abstract void tamper(String node);

  /**
   * Puts a rule before Podium's that would send pods' IPv4 metadata traffic to the real service (an
   * ACCEPT ahead of the jump, another table's DNAT at an earlier priority), as a leftover of
   * kube2iam or kiam, a CNI or an operator might.
   */
  abstract void intrude(String node);

  /** How Podium's log names what {@link #intrude} put before its rule. */
  abstract String intrusion();

  /** Removes what {@link #intrude} added. */
  abstract void removeIntruder(String node);

  /** What the rule's kernel counters say for {@code family}. */
  abstract long matchedPackets(String node, IpFamily family);

  @BeforeAll
  void buildTheNode() throws IOException {
    SystemTools.requireRoot(
        getClass().getSimpleName(), "network namespaces and firewall rules on a node of its own");
    SystemTools.requirePrograms("ip", "iptables", "nft", "conntrack", "node");
    SystemTools.awsCli();
    SystemTools.python("boto3");
    workDir = Files.createTempDirectory("podium-" + label() + "-");
    lab = NetworkLab.create(label());
    prepareNodeFirewall(lab.node());
    before = firewall();

    canary =
        NamespaceProcess.start(
            lab.node(), home(), Map.of(), java("io.podium.interception.CanaryImds"));
    canary.awaitLine("LISTENING", Duration.ofSeconds(30));
    sts =
        PodiumProcess.start(
            workDir,
            NetworkLab.inside(lab.node()),
            List.of("sts-emulator", "--listen", NetworkLab.BRIDGE_IP + ":4566"),
            Map.of());
    sts.awaitOutput("STS emulator listening", Duration.ofSeconds(60));

    podsFile = workDir.resolve("pods.yaml");
    Files.writeString(podsFile, podsFile());
  }

  @AfterAll
  void tearDown() {
    for (AutoCloseable process : new AutoCloseable[] {watch, keepAlive, agent, sts, canary}) {
      if (process != null) {
        try {
          process.close();
        } catch (Exception e) {
          // Best effort: the namespaces go next, and take whatever is left with them.
        }
      }
    }
    if (lab != null) {
      lab.close();
    }
    if (workDir != null) {
      try (var files = Files.walk(workDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // A temporary directory left behind harms nothing.
      }
    }
  }

  @Test
  @Order(1)
  void theInitContainerInstallsTheRuleAndCutsAConnectionOpenedBeforeIt() throws Exception {
    keepAlive =
        NamespaceProcess.start(
            lab.pod("web").namespace(),
            home(),
            Map.of(),
            java("io.podium.interception.NetProbe", "keepalive"));
    assertThat(keepAlive.awaitLine("FIRST", Duration.ofSeconds(30)))
        .isEqualTo("FIRST 200 i-0canary000000000");
    assertThat(canaryCallsFromPods()).isEqualTo(1);

    PodiumProcess init = podium(List.of("--install-rules-only"));
    assertThat(exitCode(init)).as(init.output()).isZero();

    assertThat(init.stdout())
        .contains("Interception rules are kept with " + backendName() + ": " + detectionReason())
        .contains("ipv4: installed with " + backendName() + "; cut 1 earlier connections")
        .contains("ipv6: installed with " + backendName() + "; cut 0 earlier connections");
    installed = firewall();
    System.out.println("Rules installed with " + backendName() + ":\n" + installed);
    assertThat(installed.lines().map(String::strip).toList()).containsAll(expectedRules());

    keepAlive.send("again");
    assertThat(keepAlive.awaitLine("SECOND", Duration.ofSeconds(30))).startsWith("SECOND ERROR");
    assertThat(canaryCallsFromPods()).as("the canary saw the first request only").isEqualTo(1);
  }

  @Test
  @Order(2)
  void aSecondInstallAddsNothing() throws Exception {
    PodiumProcess again = podium(List.of("--install-rules-only"));
    assertThat(exitCode(again)).as(again.output()).isZero();

    assertThat(again.stdout())
        .contains("ipv4: already in place with " + backendName())
        .contains("ipv6: already in place with " + backendName());
    assertThat(firewall()).isEqualTo(installed);
  }

  @Test
  @Order(3)
  void unmodifiedClientsInEveryPodGetTheirOwnPodsRole() throws Exception {
    startAgent();
    List<String> seen = new ArrayList<>();
    for (NetworkLab.Pod pod : lab.pods()) {
      for (Client client : Client.values()) {
        String arn = identity(client, pod, Map.of());
        seen.add(pod.name() + " " + client + " " + arn);
        assertThat(arn)
            .as("%s in %s", client, pod.name())
            .startsWith("arn:aws:sts::" + ACCOUNT + ":assumed-role/" + ROLES.get(pod.name()) + "/");
      }
    }
    // The IPv6 metadata address, as the SDKs use it when told to (their endpoint mode, not an
    // endpoint): the same pod, the same role.
    NetworkLab.Pod worker = lab.pod("worker");
    for (Client client : Client.values()) {
      String arn =
          identity(client, worker, Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"));
      seen.add("worker " + client + " over IPv6 " + arn);
      assertThat(arn).as("%s over IPv6", client).contains(":assumed-role/shop-worker/");
    }
    System.out.println(String.join("\n", seen));

    assertThat(canaryCallsFromPods()).as("pods reaching the real metadata service").isEqualTo(1);
    long ipv4 = matchedPackets(lab.node(), IpFamily.IPV4);
    long ipv6 = matchedPackets(lab.node(), IpFamily.IPV6);
    System.out.println("Connections the rule matched: ipv4 " + ipv4 + ", ipv6 " + ipv6);
    assertThat(ipv4).isGreaterThanOrEqualTo(3L * Client.values().length);
    assertThat(ipv6).isGreaterThanOrEqualTo(Client.values().length);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> agent.output().contains("The ipv6 interception rule has matched"));
  }

  @Test
  @Order(4)
  void aCallerOnTheNodeIsGivenNoPodsRole() {
    String real = nodeGet("169.254.169.254", 80, "/latest/meta-data/iam/security-credentials/");
    String direct =
        nodeGet(NetworkLab.BRIDGE_IP, 8181, "/latest/meta-data/iam/security-credentials/");

    // The node's own processes keep reaching the real service (the rule is for pod interfaces)...
    assertThat(real).isEqualTo("200 " + CanaryImds.NODE_ROLE);
    // ...and asking the agent directly, from the node's address, gets no pod's role.
    assertThat(direct).startsWith("403 ");
    assertThat(canaryCallsFromPods()).isEqualTo(1);
  }

  @Test
  @Order(5)
  void aRulePutBeforePodiumsIsOvertakenAtTheNextCheck() throws Exception {
    long repairs = repairsLogged();
    intrude(lab.node());

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                agent
                    .output()
                    .contains("The ipv4 interception rule had changed (" + intrusion() + ")"));
    // Podium's rule decides again: the pod is sent to the agent, never to the real service.
    assertThat(identity(Client.BOTO3, lab.pod("web"), Map.of()))
        .contains(":assumed-role/shop-web/");
    assertThat(canaryCallsFromPods()).isEqualTo(1);
    assertThat(repairsLogged()).isGreaterThan(repairs);

    removeIntruder(lab.node());
    await().atMost(Duration.ofSeconds(15)).until(() -> firewall().equals(installed));
  }

  @Test
  @Order(6)
  void aRuleChangedBehindTheAgentsBackIsPutBack() {
    long repairs = repairsLogged();
    tamper(lab.node());

    await().atMost(Duration.ofSeconds(15)).until(() -> repairsLogged() > repairs);
    await().atMost(Duration.ofSeconds(15)).until(() -> firewall().equals(installed));
  }

  /** The agent's log lines that report a rewritten IPv4 rule. */
  private long repairsLogged() {
    return agent
        .output()
        .lines()
        .filter(line -> line.contains("The ipv4 interception rule had changed"))
        .count();
  }

  @Test
  @Order(7)
  void whileTheAgentIsDownPodsAreRefusedNeverGivenTheNodesCredentials() throws Exception {
    watch =
        NamespaceProcess.start(
            lab.pod("batch").namespace(),
            home(),
            Map.of(),
            java("io.podium.interception.NetProbe", "watch"));
    watch.awaitLine("CREDENTIALS shop-batch", Duration.ofSeconds(30));

    long killed = System.currentTimeMillis();
    agent.kill();
    String refused = watch.awaitLine("REFUSED", Duration.ofSeconds(30));
    killToRefusedMillis = Long.parseLong(refused.split(" ")[0]) - killed;

    NamespaceProcess.Result cli = awsCli(lab.pod("worker"), Map.of());
    assertThat(cli.exitCode()).isNotZero();
    assertThat(cli.stdout()).doesNotContain("arn:aws");
    assertThat(cli.stderr()).contains("Unable to locate credentials");
    assertThat(watch.stdout()).doesNotContain(CanaryImds.NODE_ROLE);
    assertThat(canaryCallsFromPods()).isEqualTo(1);
    assertThat(firewall()).isEqualTo(installed);
  }

  @Test
  @Order(8)
  void aRestartedAgentServesAgain() throws Exception {
    long restarted = System.currentTimeMillis();
    long listening = startAgent();
    String back = awaitCredentialsSince(restarted);
    long credentialsAt = Long.parseLong(back.split(" ")[0]);
    System.out.printf(
        "Restart window on %s: kill to refused %d ms; restart to first credentials %d ms, of"
            + " which %d ms after the agent said it listens%n",
        backendName(),
        killToRefusedMillis,
        credentialsAt - restarted,
        Math.max(0, credentialsAt - listening));

    assertThat(identity(Client.BOTO3, lab.pod("worker"), Map.of()))
        .contains(":assumed-role/shop-worker/");
    // Through the crash and the restart the pod saw its own role, refusals, and nothing else.
    assertThat(watch.stdout().lines().map(line -> line.split(" ", 2)[1]))
        .allMatch(state -> state.equals("CREDENTIALS shop-batch") || !state.contains("CREDENTIALS"))
        .contains("REFUSED");
    assertThat(canaryCallsFromPods()).isEqualTo(1);
  }

  @Test
  @Order(9)
  void theRuleOutlivesTheAgentAndCleanupRemovesExactlyWhatWasInstalled() throws Exception {
    assertThat(agent.stop(Duration.ofSeconds(30))).isIn(0, 143);
    assertThat(firewall()).as("left in place on exit").isEqualTo(installed);
    watch.awaitLine("REFUSED", Duration.ofSeconds(10));
    watch.close();
    assertThat(watch.stdout()).doesNotContain(CanaryImds.NODE_ROLE);
    long fromPods = canaryCallsFromPods();
    System.out.printf(
        "Canary on %s: %d request from pods (made before the rule existed), %d from the node%n",
        backendName(), fromPods, canaryCalls() - fromPods);
    assertThat(fromPods).isEqualTo(1);

    PodiumProcess cleanup = podiumWith(List.of("--cleanup"));
    assertThat(exitCode(cleanup)).as(cleanup.output()).isZero();
    assertThat(cleanup.stdout())
        .contains("ipv4: removed Podium's rule from " + backendName())
        .contains("ipv6: removed Podium's rule from " + backendName());
    assertThat(firewall()).isEqualTo(before);

    PodiumProcess again = podiumWith(List.of("--cleanup"));
    assertThat(exitCode(again)).as(again.output()).isZero();
    assertThat(again.stdout()).contains("nothing of Podium's was installed");
  }

  /** The clients, each as a pod would run it, with nothing configured but the region. */
  enum Client {
    AWS_CLI,
    BOTO3,
    JAVA_SDK,
    JAVASCRIPT_SDK
  }

  private String identity(Client client, NetworkLab.Pod pod, Map<String, String> environment)
      throws IOException {
    NamespaceProcess.Result result =
        switch (client) {
          case AWS_CLI -> awsCli(pod, environment);
          case BOTO3 ->
              NamespaceProcess.run(
                  pod.namespace(),
                  home(),
                  environment,
                  List.of(python(), resource("/interception/boto3_identity.py"), STS));
          case JAVA_SDK ->
              NamespaceProcess.run(
                  pod.namespace(),
                  home(),
                  environment,
                  java("io.podium.interception.JavaSdkIdentity", STS));
          case JAVASCRIPT_SDK ->
              NamespaceProcess.run(
                  pod.namespace(),
                  home(),
                  environment,
                  List.of(NetworkLab.program("node"), javascriptClient(), STS));
        };
    assertThat(result.exitCode()).as("%s in %s: %s", client, pod.name(), result).isZero();
    if (client == Client.AWS_CLI) {
      return result.stdout().strip();
    }
    JsonNode output = json.readTree(result.json());
    if (client == Client.BOTO3) {
      assertThat(output.get("method").asString()).isEqualTo("iam-role");
    }
    assertThat(output.get("accessKeyId").asString())
        .startsWith("ASIA")
        .isNotEqualTo(CanaryImds.NODE_ACCESS_KEY_ID);
    return output.get("arn").asString();
  }

  private NamespaceProcess.Result awsCli(NetworkLab.Pod pod, Map<String, String> environment)
      throws IOException {
    return NamespaceProcess.run(
        pod.namespace(),
        home(),
        environment,
        List.of(
            "/usr/bin/aws",
            "sts",
            "get-caller-identity",
            "--endpoint-url",
            STS,
            "--query",
            "Arn",
            "--output",
            "text"));
  }

  /** Starts the agent and returns when it says it listens (seen within 100 ms). */
  private long startAgent() throws IOException {
    agent = podium(List.of());
    agent.awaitOutput("metadata API on", Duration.ofSeconds(60));
    return System.currentTimeMillis();
  }

  /** {@code podium standalone} in the node with the DaemonSet's options and {@code extra}. */
  private PodiumProcess podium(List<String> extra) throws IOException {
    List<String> options =
        new ArrayList<>(
            List.of(
                "--iptables",
                "--host-ip",
                NetworkLab.BRIDGE_IP,
                "--host-ip6",
                NetworkLab.BRIDGE_IP6,
                "--host-interface",
                "cni0",
                "--host-interface",
                "cali+",
                "--rule-check-interval",
                "1s"));
    options.addAll(backendOptions());
    options.addAll(extra);
    return podiumWith(options);
  }

  /** {@code podium standalone} in the node with the pods, STS and listener, and {@code options}. */
  private PodiumProcess podiumWith(List<String> options) throws IOException {
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    List<String> args =
        new ArrayList<>(
            List.of(
                "standalone",
                "--pods-file",
                podsFile.toString(),
                "--region",
                "us-east-1",
                "--sts-endpoint",
                STS,
                "--role-base-arn",
                "arn:aws:iam::" + ACCOUNT + ":role/",
                "--container-credentials-listen",
                "none",
                "--imds-listen",
                "0.0.0.0:8181",
                "--log-format",
                "text"));
    args.addAll(options);
    return PodiumProcess.start(
        workDir,
        NetworkLab.inside(lab.node()),
        args,
        Map.of(
            "PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
            "AWS_ACCESS_KEY_ID", bootstrap.accessKeyId(),
            "AWS_SECRET_ACCESS_KEY", bootstrap.secretAccessKey()));
  }

  /** The watcher's first CREDENTIALS line stamped at or after {@code since}. */
  private String awaitCredentialsSince(long since) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                watch
                    .stdout()
                    .lines()
                    .filter(line -> line.endsWith("CREDENTIALS shop-batch"))
                    .filter(line -> Long.parseLong(line.split(" ")[0]) >= since)
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  private static int exitCode(PodiumProcess process) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
    return process.exitCode();
  }

  private String nodeGet(String host, int port, String path) {
    NamespaceProcess.Result result =
        NamespaceProcess.run(
            lab.node(),
            home(),
            Map.of(),
            java("io.podium.interception.NetProbe", "get", host, Integer.toString(port), path));
    return result.stdout().lines().filter(line -> !line.isBlank()).reduce((a, b) -> b).orElse("");
  }

  /** Every request the canary recorded. */
  private long canaryCalls() {
    return canary.stdout().lines().filter(line -> line.startsWith("{")).count();
  }

  /** Requests the canary recorded from any pod address. */
  private long canaryCallsFromPods() {
    Set<InetAddress> pods =
        lab.pods().stream()
            .flatMap(pod -> List.of(pod.ip(), pod.ip6()).stream())
            .map(InetAddress::ofLiteral)
            .collect(Collectors.toSet());
    return canary
        .stdout()
        .lines()
        .filter(line -> line.startsWith("{"))
        .map(json::readTree)
        .filter(record -> pods.contains(InetAddress.ofLiteral(record.get("source").asString())))
        .count();
  }

  /** Every firewall view of the node, counters and comments aside. */
  private String firewall() {
    StringBuilder dump = new StringBuilder();
    for (String[] command :
        new String[][] {
          {"iptables-legacy-save"},
          {"ip6tables-legacy-save"},
          {"iptables-nft-save"},
          {"ip6tables-nft-save"},
          {"nft", "list", "ruleset"}
        }) {
      dump.append("### ").append(String.join(" ", command)).append('\n');
      List<String> lines = new ArrayList<>();
      for (String line : NetworkLab.exec(lab.node(), command).lines().toList()) {
        if (!line.startsWith("#")) {
          String normal = COUNTERS.matcher(line).replaceAll("[0:0]");
          lines.add(NFT_COUNTERS.matcher(normal).replaceAll("counter"));
        }
      }
      dump.append(command[0].equals("nft") ? tablesInOrder(lines) : String.join("\n", lines));
      dump.append('\n');
    }
    return dump.toString();
  }

  /**
   * nft's tables sorted by name: nft lists them in the order they were made, and a table Podium
   * re-created (to move its chain, say) comes last without anything having changed.
   */
  private static String tablesInOrder(List<String> lines) {
    List<String> tables = new ArrayList<>();
    StringBuilder table = null;
    for (String line : lines) {
      if (line.startsWith("table ")) {
        if (table != null) {
          tables.add(table.toString());
        }
        table = new StringBuilder();
      }
      if (table != null) {
        table.append(line).append('\n');
      }
    }
    if (table != null) {
      tables.add(table.toString());
    }
    return String.join("", tables.stream().sorted().toList());
  }

  private List<String> java(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  private Path home() {
    return workDir.resolve("home-" + homes++);
  }

  private static String python;

  /** The image's python3 with boto3, resolved here: pods get no PATH tricks such as pyenv's. */
  private static synchronized String python() {
    if (python == null) {
      try {
        Process process =
            new ProcessBuilder("python3", "-c", "import sys, boto3; print(sys.executable)")
                .redirectErrorStream(true)
                .start();
        String output =
            new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
          throw new IllegalStateException("python3 with boto3 is missing: " + output);
        }
        python = output;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return python;
  }

  private static String resource(String name) {
    try {
      return Path.of(InterceptionScenario.class.getResource(name).toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String javascriptClient() {
    Path script = Path.of("src/test/js/imds-identity.mjs").toAbsolutePath();
    if (!Files.isDirectory(script.resolveSibling("node_modules/@aws-sdk/client-sts"))) {
      throw new IllegalStateException(
          "the JavaScript SDK is not installed: ./mvnw verify installs it with"
              + " src/test/js/install.sh (it needs npm: apt-get install nodejs npm)");
    }
    return script.toString();
  }

  private String podsFile() {
    StringBuilder pods =
        new StringBuilder(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              annotations:
                iam.amazonaws.com/permitted: "shop-.*"
            """);
    int uid = 1;
    for (NetworkLab.Pod pod : lab.pods()) {
      pods.append(
          """
          ---
          apiVersion: v1
          kind: Pod
          metadata:
            name: %s
            namespace: shop
            uid: 3d1c7a52-0000-4000-8000-00000000000%d
            annotations:
              iam.amazonaws.com/role: %s
          spec:
            nodeName: node-1
          status:
            phase: Running
            podIP: %s
            podIPs:
              - ip: %s
              - ip: "%s"
          """
              .formatted(pod.name(), uid++, ROLES.get(pod.name()), pod.ip(), pod.ip(), pod.ip6()));
    }
    return pods.toString();
  }
}
