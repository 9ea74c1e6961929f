package io.podium.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an AWS client as a subprocess that can only reach what the test gives it: an empty
 * environment plus a fresh HOME, config and credential files that do not exist, a closed metadata
 * endpoint, an explicit region and no pager. Output goes to files, so a chatty process never blocks
 * on a full pipe.
 */
public final class IsolatedProcess {

  private IsolatedProcess() {}

  /** What the process printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {}

  public static Result run(Path home, Map<String, String> extraEnvironment, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.put("PATH", "/usr/bin:/bin");
    environment.put("HOME", home.toString());
    environment.put("LANG", "C.UTF-8");
    environment.put("AWS_CONFIG_FILE", home.resolve("no-aws-config").toString());
    environment.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-aws-credentials").toString());
    environment.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    environment.put("AWS_EC2_METADATA_DISABLED", "true");
    environment.put("AWS_REGION", "us-east-1");
    environment.put("AWS_DEFAULT_REGION", "us-east-1");
    environment.put("AWS_PAGER", "");
    environment.putAll(extraEnvironment);
    Path stdout = Files.createTempFile(home, "stdout", ".txt");
    Path stderr = Files.createTempFile(home, "stderr", ".txt");
    Process process =
        builder
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      if (!process.waitFor(Duration.ofSeconds(90).toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("timed out: " + command);
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    return new Result(
        process.exitValue(),
        Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
