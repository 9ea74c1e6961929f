package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.podium.stsemulator.BootstrapCredentials;
import io.podium.testing.PodiumProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code podium agent} and {@code podium server} on an IPv6-only node built of network namespaces
 * ({@link NetworkLab#createIpv6Only}), the node registered with a start-up taint in a mock
 * Kubernetes API. In order, as a node's first minutes: an agent that does not keep the rule gets
 * the taint kept; the init container installs the IPv6 rule with the node's IPv6 {@code
 * status.hostIP} as {@code --host-ip}; the agent that keeps it reports, and the server (which alone
 * holds Kubernetes rights) removes the taint; an unmodified Java SDK in a pod that has no IPv4 then
 * gets its own role from fd00:ec2::254, never the node's.
 *
 * <p>Needs root, iproute2, iptables (ip6tables) or nftables: CI has them (.ci/run). Skipped only
 * when not root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ipv6OnlyAgentServerIT {

  private static final String NODE = "node-1";
  private static final String TAINT = "podium.io/agent-not-ready";
  private static final String STS = "http://[" + NetworkLab.BRIDGE_IP6 + "]:4566";
  private static final String SERVER_PORT = "8443";

  private final JsonMapper json = JsonMapper.builder().build();

  private Path workDir;
  private NetworkLab lab;
  private NamespaceProcess canary;
  private NamespaceProcess api;
  private PodiumProcess sts;
  private PodiumProcess server;
  private PodiumProcess agent;
  private int homes;

  @BeforeAll
  void buildTheNode() throws Exception {
    assumeTrue(
        ProcessHandle.current().info().user().map("root"::equals).orElse(false),
        "network namespaces and firewall rules need root (CI runs as root)");
    workDir = Files.createTempDirectory("podium-ipv6-only-");
    lab = NetworkLab.createIpv6Only("v6only");
    PodiumProcess.makeCertificates(workDir, NODE);

    canary =
        NamespaceProcess.start(
            lab.node(), home(), Map.of(), java("io.podium.interception.CanaryImds"));
    canary.awaitLine("LISTENING", Duration.ofSeconds(30));
    Path kubeconfig = workDir.resolve("kubeconfig");
    api =
        NamespaceProcess.start(
            lab.node(),
            home(),
            Map.of(),
            java("io.podium.interception.LabKubernetesApi", kubeconfig.toString(), NODE, TAINT));
    api.awaitLine("LISTENING", Duration.ofSeconds(60));
    sts =
        PodiumProcess.start(
            workDir,
            NetworkLab.inside(lab.node()),
            List.of("sts-emulator", "--listen", "[" + NetworkLab.BRIDGE_IP6 + "]:4566"),
            Map.of());
    sts.awaitOutput("STS emulator listening", Duration.ofSeconds(60));

    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, podsFile());
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    server =
        PodiumProcess.start(
            workDir,
            NetworkLab.inside(lab.node()),
            List.of(
                "server",
                "--pods-file",
                pods.toString(),
                "--ready-taint",
                TAINT,
                "--region",
                "us-east-1",
                "--sts-endpoint",
                STS,
                "--role-base-arn",
                "arn:aws:iam::123456789012:role/",
                "--listen",
                "127.0.0.1:" + SERVER_PORT,
                "--health-listen",
                "none",
                "--metrics-listen",
                "none",
                "--replica-id",
                "replica-1",
                "--tls-cert",
                workDir.resolve("certs/server.crt").toString(),
                "--tls-key",
                workDir.resolve("certs/server.key").toString(),
                "--tls-ca",
                workDir.resolve("certs/ca.crt").toString(),
                "--log-format",
                "text"),
            // The API server for the taint only (pods come from the file): --kubeconfig would
            // name a second pod source.
            Map.of(
                "KUBECONFIG", kubeconfig.toString(),
                "AWS_ACCESS_KEY_ID", bootstrap.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", bootstrap.secretAccessKey()));
    server.awaitOutput("agent API on", Duration.ofSeconds(60));
  }

  @AfterAll
  void tearDown() {
    for (AutoCloseable process : new AutoCloseable[] {agent, server, sts, api, canary}) {
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
  void theServerKeepsTheTaintWhileTheAgentDoesNotKeepTheRule() throws Exception {
    // An agent without --iptables serves, but cannot say that pods are intercepted.
    agent = agent(List.of("--imds-listen", "[::]:8181"));
    agent.awaitOutput("metadata API on", Duration.ofSeconds(60));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> server.output().contains("Keeping node " + NODE + "'s start-up taint"));
    // The agent logs the server's answer a moment after the server logs its decision.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(agent.output()).contains("keeps this node's start-up taint"));
    assertThat(taintsNow()).isEqualTo("TAINTS [" + TAINT + "]");

    assertThat(agent.stop(Duration.ofSeconds(30))).isIn(0, 143);
  }

  @Test
  @Order(2)
  void theInitContainerInstallsTheIpv6RuleWithTheNodesIpv6HostIp() throws Exception {
    PodiumProcess init = agent(withRule("--install-rules-only"));
    await().atMost(Duration.ofSeconds(60)).until(() -> !init.isAlive());

    assertThat(init.exitCode()).as(init.output()).isZero();
    assertThat(init.stdout()).contains("ipv6: installed with").doesNotContain("ipv4:");
    assertThat(taintsNow()).as("the rule alone removes nothing").contains(TAINT);
  }

  @Test
  @Order(3)
  void theAgentKeepingTheRuleGetsTheTaintRemovedAndPodsTheirOwnRoleOverIpv6() throws Exception {
    agent = agent(withRule("--iptables"));
    agent.awaitOutput("metadata API on", Duration.ofSeconds(60));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> api.stdout().lines().toList().getLast().equals("TAINTS []"));
    // The API server sees the patch a moment before the server logs that it made it.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(server.output()).contains("Removed node " + NODE + "'s start-up taint"));
    assertThat(agent.output()).contains("removed this node's start-up taint");

    // An unmodified Java SDK in a pod with no IPv4 at all, told only to use IPv6.
    NamespaceProcess.Result result =
        NamespaceProcess.run(
            lab.pod("web").namespace(),
            home(),
            Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
            java("io.podium.interception.JavaSdkIdentity", STS));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(json.readTree(result.json()).get("arn").asString())
        .startsWith("arn:aws:sts::123456789012:assumed-role/shop-web/");
    assertThat(canaryCallsFromPods()).as("pods reaching the real metadata service").isZero();
  }

  /** The last taint line the API printed (after at least one). */
  private String taintsNow() {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api.stdout().lines().filter(line -> line.startsWith("TAINTS ")).toList().stream()
                    .reduce((a, b) -> b),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  /** The DaemonSet's interception options on this node: its IPv6 status.hostIP as --host-ip. */
  private static List<String> withRule(String mode) {
    return List.of(
        mode,
        "--host-ip",
        NetworkLab.BRIDGE_IP6,
        "--host-interface",
        "cni0",
        "--host-interface",
        "cali+",
        "--imds-listen",
        "[::]:8181",
        "--rule-check-interval",
        "1s",
        // The metadata API's rule alone: ContainerCredentialsNetnsIT proves the endpoint's link.
        "--container-credentials-listen",
        "none");
  }

  /** {@code podium agent} in the node, talking to the server, with {@code extra}. */
  private PodiumProcess agent(List<String> extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                "--node",
                NODE,
                "--server",
                "127.0.0.1:" + SERVER_PORT,
                "--metadata-upstream",
                "none",
                "--region",
                "us-east-1",
                "--tls-cert",
                workDir.resolve("certs/agent-" + NODE + ".crt").toString(),
                "--tls-key",
                workDir.resolve("certs/agent-" + NODE + ".key").toString(),
                "--tls-ca",
                workDir.resolve("certs/ca.crt").toString(),
                "--metrics-listen",
                "none",
                "--log-format",
                "text"));
    args.addAll(extra);
    return PodiumProcess.start(
        workDir,
        NetworkLab.inside(lab.node()),
        args,
        Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
  }

  /** Requests the canary recorded from any pod address. */
  private long canaryCallsFromPods() {
    Set<InetAddress> pods =
        lab.pods().stream()
            .map(pod -> InetAddress.ofLiteral(pod.ip6()))
            .collect(Collectors.toSet());
    return canary
        .stdout()
        .lines()
        .filter(line -> line.startsWith("{"))
        .map(json::readTree)
        .filter(record -> pods.contains(InetAddress.ofLiteral(record.get("source").asString())))
        .count();
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
            uid: 3d1c7a52-0000-4000-8000-00000000006%d
            annotations:
              iam.amazonaws.com/role: shop-%s
          spec:
            nodeName: %s
          status:
            phase: Running
            podIP: "%s"
            podIPs:
              - ip: "%s"
          """
              .formatted(pod.name(), uid++, pod.name(), NODE, pod.ip6(), pod.ip6()));
    }
    return pods.toString();
  }
}
