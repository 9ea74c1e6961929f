package io.podium.interception;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program run inside a network namespace of a {@link NetworkLab} with nothing of the test's
 * environment: a fresh HOME, no AWS configuration or credential files, an explicit region, and no
 * metadata endpoint settings at all, so that AWS clients use their real defaults (169.254.169.254,
 * which inside the lab is the node). Output goes to files; ended by its own handle.
 */
final class NamespaceProcess implements AutoCloseable {

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final Writer stdin;

  private NamespaceProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.stdin = process.outputWriter(StandardCharsets.UTF_8);
  }

  /** What a finished program printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {

    /** The last line of stdout that is a JSON object: what the client scripts print. */
    String json() {
      List<String> lines = stdout.lines().filter(line -> line.startsWith("{")).toList();
      if (lines.isEmpty()) {
        throw new AssertionError("no JSON in output; exit " + exitCode + "\n" + stdout + stderr);
      }
      return lines.getLast();
    }
  }

  static NamespaceProcess start(
      String namespace, Path home, Map<String, String> extraEnvironment, List<String> command) {
    try {
      Files.createDirectories(home);
      List<String> full = new ArrayList<>(NetworkLab.inside(namespace));
      full.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(full).directory(home.toFile());
      Map<String, String> environment = builder.environment();
      environment.clear();
      environment.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      environment.put("HOME", home.toString());
      environment.put("LANG", "C.UTF-8");
      environment.put("AWS_CONFIG_FILE", home.resolve("no-aws-config").toString());
      environment.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-aws-credentials").toString());
      environment.put("AWS_REGION", "us-east-1");
      environment.put("AWS_DEFAULT_REGION", "us-east-1");
      environment.put("AWS_PAGER", "");
      environment.putAll(extraEnvironment);
      Path out = Files.createTempFile(home, "stdout", ".txt");
      Path err = Files.createTempFile(home, "stderr", ".txt");
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      return new NamespaceProcess(process, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs to the end (at most 90 s). */
  static Result run(
      String namespace, Path home, Map<String, String> extraEnvironment, List<String> command) {
    try (NamespaceProcess process = start(namespace, home, extraEnvironment, command)) {
      process.stdin.close();
      if (!process.process.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out: " + command + "\n" + process.output());
      }
      return new Result(process.process.exitValue(), process.stdout(), process.stderr());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Waits until a line of stdout satisfies {@code text} (contains it). */
  String awaitLine(String text, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .failFast("exited: " + command(), () -> !process.isAlive() && !stdout().contains(text))
        .until(() -> stdout().contains(text));
    return stdout().lines().filter(line -> line.contains(text)).findFirst().orElseThrow();
  }

  /** Sends one line to the program's stdin. */
  void send(String line) {
    try {
      stdin.write(line + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  String output() {
    return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
  }

  private String command() {
    return process.info().commandLine().orElse("?") + "\n" + output();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      stdin.close();
    } catch (IOException e) {
      // The program is gone; nothing to flush.
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
