package io.podium.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.IsolatedProcess;
import io.podium.testing.SystemTools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole IRSA path with nothing of Podium's in the clients: {@code podium webhook} mutates a
 * pod; the test does what the kubelet then does (writes a signed service-account token where the
 * projected volume is mounted, starts the container with the injected environment); unmodified
 * clients — the AWS SDK for Java v2's {@link WebIdentityTokenFileCredentialsProvider} and
 * botocore's default chain — call AssumeRoleWithWebIdentity on the STS emulator and end up with the
 * service account's role.
 *
 * <p>A container sees the token at its mount path; here the container's file system is a directory
 * of the test ({@code container-root}), so the token file's path is read below it.
 */
class WebhookEndToEndIT {

  private static final String ROLE = "arn:aws:iam::111122223333:role/s3-reader";
  private static final String ASSUMED = "arn:aws:sts::111122223333:assumed-role/s3-reader/";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dir;

  private static StsEmulator sts;
  private static WebhookProcess webhook;
  private static Pod admitted;
  private static Map<String, String> environment;
  private static Path tokenFile;

  @BeforeAll
  static void admitAndStartThePod() throws Exception {
    sts = StsEmulator.builder().build();
    sts.start(new InetSocketAddress("127.0.0.1", 0));
    webhook =
        WebhookProcess.start(
            dir,
            WebhookCommandIT.ACCOUNTS,
            "--aws-default-region",
            "us-east-1",
            "--sts-regional-endpoint");

    String podJson = AdmissionReviews.pod("web");
    JsonNode answer =
        JSON.readTree(
            webhook.review(AdmissionReviews.create(AdmissionCodec.V1, "shop", podJson)).body());
    String patch =
        new String(
            Base64.getDecoder().decode(answer.at("/response/patch").stringValue()),
            StandardCharsets.UTF_8);
    String patched =
        JSON.writeValueAsString(
            io.fabric8.zjsonpatch.JsonPatch.apply(JSON.readTree(patch), JSON.readTree(podJson)));
    admitted = new KubernetesSerialization().unmarshal(patched, Pod.class);

    Container app = admitted.getSpec().getContainers().getFirst();
    Path root = dir.resolve("container-root");
    tokenFile = kubeletWritesToken(admitted, app, root);
    environment = kubeletSetsEnvironment(app, root);
  }

  @AfterAll
  static void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (sts != null) {
      sts.close();
    }
  }

  /**
   * What the kubelet does for the projected volume: a token for the volume's audience and lifetime,
   * signed by the cluster's key, at {@code mountPath/path} in the container.
   */
  private static Path kubeletWritesToken(Pod pod, Container container, Path root)
      throws IOException, GeneralSecurityException {
    Volume volume =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("aws-iam-token"))
            .findFirst()
            .orElseThrow();
    ServiceAccountTokenProjection projection =
        volume.getProjected().getSources().getFirst().getServiceAccountToken();
    VolumeMount mount =
        container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals("aws-iam-token"))
            .findFirst()
            .orElseThrow();
    Path file = root.resolve(mount.getMountPath().substring(1)).resolve(projection.getPath());
    Files.createDirectories(file.getParent());
    Instant now = Instant.now();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "https://oidc.podium.test/cluster");
    claims.put("sub", "system:serviceaccount:shop:" + pod.getSpec().getServiceAccountName());
    claims.put("aud", List.of(projection.getAudience()));
    claims.put("iat", now.getEpochSecond());
    claims.put("nbf", now.getEpochSecond());
    claims.put("exp", now.plusSeconds(projection.getExpirationSeconds()).getEpochSecond());
    Files.writeString(file, signedJwt(claims));
    return file;
  }

  /** The container's environment as the kubelet starts it, its paths below the container root. */
  private static Map<String, String> kubeletSetsEnvironment(Container container, Path root) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv()) {
      String value = variable.getValue();
      env.put(
          variable.getName(),
          variable.getName().equals("AWS_WEB_IDENTITY_TOKEN_FILE")
              ? root.resolve(value.substring(1)).toString()
              : value);
    }
    return env;
  }

  /** An RS256 JWT signed by a key of the test's own, as kube-apiserver signs projected tokens. */
  private static String signedJwt(Map<String, Object> claims) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair key = generator.generateKeyPair();
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        base64.encodeToString(
            JSON.writeValueAsBytes(Map.of("alg", "RS256", "kid", "podium-test", "typ", "JWT")));
    String payload = base64.encodeToString(JSON.writeValueAsBytes(claims));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(key.getPrivate());
    signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return header + "." + payload + "." + base64.encodeToString(signature.sign());
  }

  @Test
  void thePodIsGivenTheAccountsRoleATokenForStsAndTheRegion() {
    assertThat(environment)
        .containsEntry("AWS_ROLE_ARN", ROLE)
        .containsEntry("AWS_REGION", "us-east-1")
        .containsEntry("AWS_DEFAULT_REGION", "us-east-1")
        .containsEntry("AWS_STS_REGIONAL_ENDPOINTS", "regional")
        .containsEntry("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString());
    assertThat(
            admitted
                .getSpec()
                .getVolumes()
                .getFirst()
                .getProjected()
                .getSources()
                .getFirst()
                .getServiceAccountToken()
                .getAudience())
        .isEqualTo("sts.amazonaws.com");
  }

  @Test
  void theJavaSdksWebIdentityProviderAssumesTheServiceAccountsRole() {
    String previous = System.getProperty("aws.endpointUrlSts");
    // The SDK's STS client takes its endpoint from the environment or this property.
    System.setProperty("aws.endpointUrlSts", sts.endpoint().toString());
    try (WebIdentityTokenFileCredentialsProvider provider =
        WebIdentityTokenFileCredentialsProvider.builder()
            .roleArn(environment.get("AWS_ROLE_ARN"))
            .webIdentityTokenFile(Path.of(environment.get("AWS_WEB_IDENTITY_TOKEN_FILE")))
            .roleSessionName("java-sdk")
            .build()) {
      AwsCredentials credentials = provider.resolveCredentials();

      try (StsClient client =
          StsClient.builder()
              .region(Region.of(environment.get("AWS_REGION")))
              .endpointOverride(sts.endpoint())
              .credentialsProvider(StaticCredentialsProvider.create(credentials))
              .build()) {
        assertThat(client.getCallerIdentity().arn()).isEqualTo(ASSUMED + "java-sdk");
      }
    } finally {
      if (previous == null) {
        System.clearProperty("aws.endpointUrlSts");
      } else {
        System.setProperty("aws.endpointUrlSts", previous);
      }
    }
    assertThat(sts.stats().callCount("AssumeRoleWithWebIdentity")).isPositive();
  }

  @Test
  void botocoresDefaultChainAssumesTheServiceAccountsRole() throws Exception {
    String python = pythonWithBotocore();
    Path script = Path.of(getClass().getResource("/webhook/botocore_web_identity.py").toURI());
    Path home = Files.createDirectories(dir.resolve("botocore-home"));
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("AWS_ENDPOINT_URL_STS", sts.endpoint().toString());

    IsolatedProcess.Result result =
        IsolatedProcess.run(home, env, List.of(python, script.toString()));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    JsonNode output = JSON.readTree(result.stdout());
    assertThat(output.get("method").stringValue()).isEqualTo("assume-role-with-web-identity");
    assertThat(output.get("arn").stringValue()).startsWith(ASSUMED);
    assertThat(output.get("account").stringValue()).isEqualTo("111122223333");
  }

  /** The interpreter that can import botocore, found with the ordinary PATH. */
  private static String pythonWithBotocore() throws IOException, InterruptedException {
    return SystemTools.python("botocore");
  }
}
