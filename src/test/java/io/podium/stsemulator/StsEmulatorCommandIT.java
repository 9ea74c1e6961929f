package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** {@code java -jar podium.jar sts-emulator} as a user runs it, called with the SDK. */
class StsEmulatorCommandIT {

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopWhatWeStarted() throws InterruptedException {
    for (Process process : started) {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  private Process podium(String... arguments) throws IOException {
    Path jar = Path.of(System.getProperty("podium.jar", "target/podium.jar"));
    assertThat(jar).as("the packaged jar (run after mvn package)").exists();
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private String stdout() throws IOException {
    return Files.readString(dir.resolve("stdout.txt"));
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void servesStsUntilTerminated() throws Exception {
    int port = freePort();
    Process process =
        podium("sts-emulator", "--listen", "127.0.0.1:" + port, "--account-id", "111122223333");

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertThat(process.isAlive()).as("still running; stderr: %s", stderr()).isTrue();
              assertThat(accepts(port)).isTrue();
            });
    try (StsClient sts =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        BootstrapCredentials.DEV_ACCESS_KEY_ID,
                        BootstrapCredentials.DEV_SECRET_ACCESS_KEY)))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      assertThat(sts.getCallerIdentity().arn())
          .isEqualTo("arn:aws:iam::111122223333:user/podium-emulator");
      assertThat(
              sts.assumeRole(
                      r -> r.roleArn("arn:aws:iam::111122223333:role/dev").roleSessionName("cli"))
                  .assumedRoleUser()
                  .arn())
          .isEqualTo("arn:aws:sts::111122223333:assumed-role/dev/cli");
    }
    assertThat(stdout())
        .contains("STS emulator listening on http://127.0.0.1:" + port)
        .contains("aws sts get-caller-identity --endpoint-url http://127.0.0.1:" + port);

    process.destroy();

    assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(accepts(port)).isFalse();
  }

  @Test
  void appliesFaultFlags() throws Exception {
    int port = freePort();
    Process process =
        podium("sts-emulator", "--listen", "127.0.0.1:" + port, "--throttle-first", "1");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !process.isAlive() || accepts(port));

    try (StsClient sts =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        BootstrapCredentials.DEV_ACCESS_KEY_ID,
                        BootstrapCredentials.DEV_SECRET_ACCESS_KEY)))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      StsException throttled =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              StsException.class, sts::getCallerIdentity);
      assertThat(throttled.awsErrorDetails().errorCode()).isEqualTo("Throttling");
      assertThat(sts.getCallerIdentity().account()).isEqualTo("123456789012");
    }
  }

  @Test
  void refusesABadRolesFileAtStartWithTheFileAndTheProblem() throws Exception {
    Path roles = Files.writeString(dir.resolve("roles.yaml"), "roles:\n  - arn: not-an-arn\n");

    Process process =
        podium("sts-emulator", "--listen", "127.0.0.1:0", "--roles-file", roles.toString());

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr()).contains("roles file " + roles).contains("role #1: 'arn' is invalid");
  }
}
