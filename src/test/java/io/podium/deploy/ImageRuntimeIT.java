package io.podium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.SystemTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the image does at build time, done here on the same parts (no image can be built on these
 * machines): a runtime linked by jlink from the Dockerfile's module list, on which bin/podium-aot
 * runs the STS emulator, {@code podium certs}, standalone, the server and an agent on loopback and
 * writes an AOT cache per role; bin/podium then starts with that runtime and a cache. A module
 * missing from the list fails here, not in a cluster.
 */
class ImageRuntimeIT {

  private static final Path JDK = Path.of(System.getProperty("java.home"));

  @Test
  void podiumRunsOnTheImagesTrimmedRuntimeAndTrainsAnAotCachePerRole(@TempDir Path work)
      throws Exception {
    SystemTools.requirePrograms("curl");
    List<String> modules =
        DockerfileTest.runtimeModules(
            DockerfileTest.instructions(Files.readString(Path.of("Dockerfile"))));
    Path runtime = work.resolve("jre");
    run(
        work,
        "jlink",
        Map.of(),
        List.of(
            JDK.resolve("bin/jlink").toString(),
            "--add-modules",
            String.join(",", modules),
            "--strip-debug",
            "--no-man-pages",
            "--no-header-files",
            "--output",
            runtime.toString()));

    Path jar = Path.of("target/podium.jar").toAbsolutePath();
    Path caches = work.resolve("aot");
    Map<String, String> environment =
        Map.of(
            "JAVA_HOME", runtime.toString(),
            "PODIUM_JAR", jar.toString(),
            "PODIUM_AOT_DIR", caches.toString());
    run(
        work,
        "podium-aot",
        environment,
        List.of("bin/podium-aot", "standalone", "server", "agent"));
    for (String role : List.of("standalone", "server", "agent")) {
      assertThat(caches.resolve(role + ".aot")).isNotEmptyFile();
    }

    // bin/podium starts the agent on that runtime with its cache (the JVM refuses a cache made by
    // another runtime or with other options, and says so with -Xlog:aot).
    String help =
        run(
            work,
            "agent --help",
            Map.of(
                "JAVA_HOME", runtime.toString(),
                "PODIUM_JAR", jar.toString(),
                "PODIUM_AOT_DIR", caches.toString(),
                "PODIUM_JAVA_OPTS", "-Xlog:aot=info"),
            List.of("bin/podium", "agent", "--help"));
    assertThat(help).contains("Usage: podium agent").contains("Using AOT-linked classes");
  }

  /** Runs a command to its end (5 minutes at most) and returns its output; fails on non-zero. */
  private static String run(
      Path work, String name, Map<String, String> environment, List<String> command)
      throws IOException, InterruptedException {
    Path log = work.resolve(name.replace(' ', '-') + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(new ArrayList<>(command))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    boolean ended = process.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended && process.exitValue() == 0)
        .as("%s ended with 0; its output:%n%s", name, output)
        .isTrue();
    return output;
  }
}
