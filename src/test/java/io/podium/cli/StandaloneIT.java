package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.PodiumProcess;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/**
 * {@code podium standalone} as production runs it: its own credentials from the SDK's default chain
 * (here the environment), STS at {@code --sts-endpoint}, pods from a file.
 */
class StandaloneIT {

  private static final String PODS =
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        annotations:
          iam.amazonaws.com/permitted: "shop-.*"
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: shop
        uid: 3d1c7a52-0000-4000-8000-000000000001
        annotations:
          iam.amazonaws.com/role: shop-web
      spec:
        nodeName: node-1
      status:
        phase: Running
        podIP: 127.0.0.1
        podIPs:
          - ip: 127.0.0.1
      """;

  @TempDir Path workDir;

  @Test
  void servesThePodsRoleWithCredentialsFromTheDefaultChain() throws Exception {
    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, PODS);
    int imdsPort = PodiumProcess.freePort();
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    try (StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build()) {
      InetSocketAddress stsAddress = sts.start(new InetSocketAddress("127.0.0.1", 0));
      try (PodiumProcess podium =
          PodiumProcess.start(
              workDir,
              List.of(
                  "standalone",
                  "--pods-file",
                  pods.toString(),
                  "--region",
                  "us-east-1",
                  "--sts-endpoint",
                  "http://127.0.0.1:" + stsAddress.getPort(),
                  "--role-base-arn",
                  "arn:aws:iam::123456789012:role/",
                  "--container-credentials-listen",
                  "none",
                  "--imds-listen",
                  "127.0.0.1:" + imdsPort,
                  "--metadata-upstream",
                  "none",
                  "--metrics-listen",
                  "none"),
              Map.of(
                  "AWS_ACCESS_KEY_ID", bootstrap.accessKeyId(),
                  "AWS_SECRET_ACCESS_KEY", bootstrap.secretAccessKey()))) {
        podium.awaitOutput("metadata API on", Duration.ofSeconds(60));

        AwsCredentials credentials;
        try (InstanceProfileCredentialsProvider provider =
            InstanceProfileCredentialsProvider.builder()
                .endpoint("http://127.0.0.1:" + imdsPort)
                .build()) {
          credentials = provider.resolveCredentials();
        }

        assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
        assertThat(credentials.accessKeyId()).startsWith("ASIA");
        // The pod was prefetched when the file was read: one AssumeRole, before the request.
        assertThat(sts.stats().callCount("AssumeRole")).isEqualTo(1);
        assertThat(podium.output())
            .doesNotContain(credentials.secretAccessKey())
            .doesNotContain(((AwsSessionCredentials) credentials).sessionToken())
            .doesNotContain(bootstrap.secretAccessKey());

        assertThat(podium.stop(Duration.ofSeconds(20))).isIn(0, 143);
      }
    }
  }

  @Test
  void refusesToStartWithoutARegionAndSaysSo() throws Exception {
    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, PODS);
    try (PodiumProcess podium =
        PodiumProcess.start(workDir, List.of("standalone", "--pods-file", pods.toString()))) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !podium.isAlive());
      assertThat(podium.exitCode()).isEqualTo(2);
      assertThat(podium.stderr()).contains("Missing --region");
    }
  }
}
