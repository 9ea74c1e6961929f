package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/podium, the image's entry point, starts each command with the JVM options chosen for it
 * (docs/benchmarks.md, section 3b): seen from inside the JVM with {@code
 * -XX:+PrintCommandLineFlags}.
 */
class LauncherIT {

  private static final String JAR = Path.of("target/podium.jar").toAbsolutePath().toString();

  @Test
  void theAgentGetsASmallSerialHeapEvenBehindAGlobalOption() throws Exception {
    String flags = run("--debug", "agent", "--help");

    assertThat(flags).contains("Usage: podium agent");
    assertThat(flags).contains("-XX:+UseSerialGC", "-XX:MaxHeapSize=33554432");
  }

  @Test
  void standaloneGetsSixtyFourMegabytesAndTheServerAHeapThatFollowsItsContainer() throws Exception {
    assertThat(run("standalone", "--help"))
        .contains("-XX:+UseSerialGC", "-XX:MaxHeapSize=67108864");
    String server = run("server", "--help");
    assertThat(server).contains("-XX:MaxRAMPercentage=70").doesNotContain("-XX:+UseSerialGC");
  }

  @Test
  void theOptionsOfACommandArePrintedOnRequest() throws Exception {
    assertThat(run("--jvm-options", "agent")).contains("-Xmx32m").contains("-XX:+UseSerialGC");
  }

  /** bin/podium with ARGS; its output and the JVM's flags. */
  private static String run(String... args) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
                java.util.stream.Stream.concat(
                        List.of("bin/podium").stream(), List.of(args).stream())
                    .toList())
            .redirectErrorStream(true);
    builder.environment().put("PODIUM_JAR", JAR);
    builder.environment().put("PODIUM_AOT", "off");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("PODIUM_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
