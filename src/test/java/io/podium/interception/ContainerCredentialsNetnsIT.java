package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.podium.oidc.IssuerUrl;
import io.podium.oidc.ServiceAccountTokenMinter;
import io.podium.oidc.ServiceAccountTokenMinter.BoundPod;
import io.podium.oidc.TestKeys;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.testing.PodiumProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The container-credentials endpoint on EKS Pod Identity's own addresses, as pods on a node reach
 * it: a {@link NetworkLab} node whose link-local addresses 169.254.170.23 and fd00:ec2::23 are put
 * on a link by {@code podium standalone --install-rules-only} ({@code --container-credentials-link
 * lo}: this kernel has no dummy module), pods in their own namespaces running unmodified SDKs with
 * nothing but the two variables, and the node's "real" metadata service as a canary that proves no
 * client fell back to it. Before Podium listens, nothing answers on 169.254.170.23.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerCredentialsNetnsIT {

  private static final String STS = "http://" + NetworkLab.BRIDGE_IP + ":4566";
  private static final String ISSUER = "https://oidc.cluster.test";
  private static final String ENDPOINT = "http://169.254.170.23/v1/credentials";
  private static final String ENDPOINT6 = "http://[fd00:ec2::23]/v1/credentials";
  private static final Map<String, String> ROLES =
      Map.of("web", "shop-web", "worker", "shop-worker", "batch", "shop-batch");

  private final JsonMapper json = JsonMapper.builder().build();
  private Path workDir;
  private NetworkLab lab;
  private NamespaceProcess canary;
  private PodiumProcess sts;
  private PodiumProcess podium;
  private Path podsFile;
  private Path publicKey;
  private final Map<String, Path> tokens = new HashMap<>();
  private int homes;

  @BeforeAll
  void buildTheNode() throws IOException {
    assumeTrue(
        ProcessHandle.current().info().user().map("root"::equals).orElse(false),
        "network namespaces need root (CI runs as root)");
    workDir = Files.createTempDirectory("podium-cc-");
    lab = NetworkLab.create("cc");
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
    podsFile = Files.writeString(workDir.resolve("pods.yaml"), podsFile());
    KeyPair signing = TestKeys.rsa();
    publicKey = Files.writeString(workDir.resolve("sa.pub"), TestKeys.publicPem(signing));
    ServiceAccountTokenMinter cluster =
        new ServiceAccountTokenMinter(IssuerUrl.parse(ISSUER), signing);
    int uid = 1;
    for (NetworkLab.Pod pod : lab.pods()) {
      Instant now = Instant.now();
      String token =
          cluster.mintForPod(
              new BoundPod("shop", pod.name(), uid(uid++), "default", "node-1"),
              List.of("pods.eks.amazonaws.com"),
              now,
              now.plus(Duration.ofHours(1)));
      tokens.put(pod.name(), Files.writeString(workDir.resolve(pod.name() + ".token"), token));
    }
  }

  @AfterAll
  void tearDown() {
    for (AutoCloseable process : new AutoCloseable[] {podium, sts, canary}) {
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
  }

  @Test
  @Order(1)
  void theInitStepPutsTheAddressesOnTheLinkAndNothingAnswersThereYet() throws Exception {
    PodiumProcess init = standalone(List.of("--install-rules-only"));
    await(init);
    assertThat(init.exitCode()).as(init.output()).isZero();
    assertThat(init.stdout())
        .contains("container credentials: 169.254.170.23 added to lo")
        .contains("container credentials: fd00:ec2:0:0:0:0:0:23 added to lo");
    assertThat(NetworkLab.exec(lab.node(), "ip", "-o", "addr", "show", "dev", "lo"))
        .contains("169.254.170.23/32", "fd00:ec2::23/128");

    // The canary's proof that the path is empty: a pod's request is refused, not answered.
    NamespaceProcess.Result nobody = raw("web", ENDPOINT, tokens.get("web"));
    assertThat(nobody.stdout()).startsWith("ERROR").contains("Connection refused");
  }

  @Test
  @Order(2)
  void unmodifiedSdksInPodsGetTheirOwnRolesWithTheirTokens() throws Exception {
    podium = standalone(List.of("--iptables"));
    podium.awaitOutput("container credentials on", Duration.ofSeconds(60));

    assertThat(javaSdk("web", ENDPOINT, Map.of())).isEqualTo(assumed("web"));
    assertThat(boto3("worker", ENDPOINT)).isEqualTo(assumed("worker"));
    assertThat(javascriptSdk("batch", ENDPOINT)).isEqualTo(assumed("batch"));
    // IPv6: the Java SDK accepts fd00:ec2::23 only in its IPv6 endpoint mode.
    assertThat(javaSdk("web", ENDPOINT6, Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")))
        .isEqualTo(assumed("web"));
    assertThat(canaryCallsFromPods()).as("pods that reached the node's IMDS").isZero();
    // No client fell back to the metadata API (which the init step's rule sends to Podium too):
    // every credential handed out went by the container-credentials route.
    List<String> handedOut =
        podium.output().lines().filter(line -> line.contains("handed to pod")).toList();
    assertThat(handedOut)
        .hasSizeGreaterThanOrEqualTo(3)
        .allMatch(line -> line.strip().endsWith("via container_credentials"));
  }

  @Test
  @Order(3)
  void aPodsTokenFromAnotherPodsAddressIsRefused() {
    NamespaceProcess.Result stolen = raw("worker", ENDPOINT, tokens.get("web"));

    assertThat(stolen.stdout()).startsWith("403").contains("AccessDenied");
    assertThat(podium.output())
        .contains("presented from " + lab.pod("worker").ip() + ", which is pod shop/worker's");
    NamespaceProcess.Result own = raw("worker", ENDPOINT, tokens.get("worker"));
    assertThat(own.stdout()).startsWith("200").contains("SecretAccessKey");
  }

  @Test
  @Order(4)
  void cleanupRemovesTheAddresses() throws Exception {
    assertThat(podium.stop(Duration.ofSeconds(30))).isIn(0, 143);
    assertThat(NetworkLab.exec(lab.node(), "ip", "-o", "addr", "show", "dev", "lo"))
        .as("left in place on exit")
        .contains("169.254.170.23/32");

    PodiumProcess cleanup = standalone(List.of("--cleanup"));
    await(cleanup);

    assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
    assertThat(NetworkLab.exec(lab.node(), "ip", "-o", "addr", "show", "dev", "lo"))
        .doesNotContain("169.254.170.23", "fd00:ec2::23")
        .contains("169.254.169.254");
  }

  private String assumed(String pod) {
    return "arn:aws:sts::123456789012:assumed-role/" + ROLES.get(pod) + "/shop@" + pod;
  }

  private Map<String, String> podIdentity(String pod, String uri) {
    return Map.of(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        uri,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        tokens.get(pod).toString());
  }

  private String javaSdk(String pod, String uri, Map<String, String> extra) {
    Map<String, String> environment = new HashMap<>(podIdentity(pod, uri));
    environment.putAll(extra);
    NamespaceProcess.Result result =
        NamespaceProcess.run(
            lab.pod(pod).namespace(),
            home(),
            environment,
            java("io.podium.interception.JavaSdkIdentity", STS));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return json.readTree(result.json()).get("arn").asString();
  }

  private String boto3(String pod, String uri) throws Exception {
    NamespaceProcess.Result result =
        NamespaceProcess.run(
            lab.pod(pod).namespace(),
            home(),
            podIdentity(pod, uri),
            List.of(python(), resource("/interception/boto3_identity.py"), STS));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(json.readTree(result.json()).get("method").asString()).isEqualTo("container-role");
    return json.readTree(result.json()).get("arn").asString();
  }

  private String javascriptSdk(String pod, String uri) {
    Path script = Path.of("src/test/js/container-identity.mjs").toAbsolutePath();
    NamespaceProcess.Result result =
        NamespaceProcess.run(
            lab.pod(pod).namespace(),
            home(),
            podIdentity(pod, uri),
            List.of(NetworkLab.program("node"), script.toString(), STS));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return json.readTree(result.json()).get("arn").asString();
  }

  /**
   * {@code GET uri} with {@code token} from inside {@code pod}, by the standard library's HTTP
   * client: prints {@code STATUS BODY}, or {@code ERROR reason} when nothing answers.
   */
  private NamespaceProcess.Result raw(String pod, String uri, Path token) {
    String script =
        """
        import sys, urllib.request, urllib.error
        request = urllib.request.Request(sys.argv[1], headers={"Authorization": open(sys.argv[2]).read().strip()})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=3) as response:
                print(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            print(error.code, error.read().decode())
        except Exception as error:
            print("ERROR", error)
        """;
    return NamespaceProcess.run(
        lab.pod(pod).namespace(),
        home(),
        Map.of(),
        List.of("/usr/bin/python3", "-c", script, uri, token.toString()));
  }

  /** {@code podium standalone} in the node with the pods, STS, keys and {@code extra}. */
  private PodiumProcess standalone(List<String> extra) throws IOException {
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
                "arn:aws:iam::123456789012:role/",
                "--service-account-key-file",
                publicKey.toString(),
                "--service-account-issuer",
                ISSUER,
                "--container-credentials-link",
                "lo",
                "--imds-listen",
                "0.0.0.0:8181",
                "--host-ip",
                NetworkLab.BRIDGE_IP,
                "--host-ip6",
                NetworkLab.BRIDGE_IP6,
                "--host-interface",
                "cni0",
                "--host-interface",
                "cali+",
                "--iptables-backend",
                "nftables",
                "--metrics-listen",
                "none",
                "--log-format",
                "text"));
    args.addAll(extra);
    return PodiumProcess.start(
        workDir,
        NetworkLab.inside(lab.node()),
        args,
        Map.of(
            "PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
            "AWS_ACCESS_KEY_ID", bootstrap.accessKeyId(),
            "AWS_SECRET_ACCESS_KEY", bootstrap.secretAccessKey()));
  }

  private static void await(PodiumProcess process) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !process.isAlive());
  }

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

  private Path home() {
    return workDir.resolve("home-" + homes++);
  }

  private static String uid(int n) {
    return "3d1c7a52-0000-4000-8000-00000000000" + n;
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
            uid: %s
            annotations:
              iam.amazonaws.com/role: %s
          spec:
            nodeName: node-1
          status:
            phase: Running
            podIPs:
              - ip: %s
              - ip: "%s"
          """
              .formatted(pod.name(), uid(uid++), ROLES.get(pod.name()), pod.ip(), pod.ip6()));
    }
    return pods.toString();
  }

  private static List<String> java(String mainClass, String... args) {
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

  private static String python() throws Exception {
    Process process =
        new ProcessBuilder("python3", "-c", "import sys, boto3; print(sys.executable)")
            .redirectErrorStream(true)
            .start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor()).as("python3 with boto3: " + output).isZero();
    return output;
  }

  private static String resource(String name) throws Exception {
    return Path.of(ContainerCredentialsNetnsIT.class.getResource(name).toURI()).toString();
  }
}
