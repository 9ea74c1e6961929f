package io.podium.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code podium.jar} run as a real process, on the JDK running the tests, with a clean
 * environment (explicit region, closed metadata endpoint, no shared AWS files). Ended by its own
 * handle, never by name.
 */
public final class PodiumProcess implements AutoCloseable {

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private PodiumProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Runs {@code podium certs} into {@code dir/certs}: a CA, a server certificate for localhost and
   * 127.0.0.1, and an agent certificate for {@code node}.
   */
  public static void makeCertificates(Path dir, String node) throws IOException {
    try (PodiumProcess certs =
        start(
            dir,
            List.of(
                "certs",
                "--out",
                dir.resolve("certs").toString(),
                "--server-dns",
                "localhost",
                "--server-ip",
                "127.0.0.1",
                "--agent-node",
                node))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !certs.isAlive());
      if (certs.exitCode() != 0) {
        throw new IllegalStateException("podium certs failed: " + certs.output());
      }
    }
  }

  /** Starts {@code podium <args>} in {@code workDir}. */
  public static PodiumProcess start(Path workDir, List<String> args) throws IOException {
    return start(workDir, args, java.util.Map.of());
  }

  /** Starts {@code podium <args>} in {@code workDir} with extra environment variables. */
  public static PodiumProcess start(
      Path workDir, List<String> args, java.util.Map<String, String> extraEnvironment)
      throws IOException {
    return start(workDir, List.of(), args, extraEnvironment);
  }

  /**
   * Starts {@code <launcher> java -jar podium.jar <args>}: the launcher runs the JVM elsewhere,
   * e.g. {@code ip netns exec NAME} inside a network namespace.
   */
  public static PodiumProcess start(
      Path workDir,
      List<String> launcher,
      List<String> args,
      java.util.Map<String, String> extraEnvironment)
      throws IOException {
    String jar = System.getProperty("podium.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("podium.jar not built: run through failsafe (mvn verify)");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(launcher);
    command.add(java);
    command.addAll(jvmOptions(args));
    command.add("-jar");
    command.add(jar);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    var environment = builder.environment();
    environment.clear();
    environment.put("PATH", "/usr/bin:/bin");
    environment.put("HOME", workDir.toString());
    environment.put("AWS_REGION", "us-east-1");
    environment.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    environment.put("AWS_CONFIG_FILE", workDir.resolve("no-aws-config").toString());
    environment.put(
        "AWS_SHARED_CREDENTIALS_FILE", workDir.resolve("no-aws-credentials").toString());
    environment.putAll(extraEnvironment);
    Path out = Files.createTempFile(workDir, "podium-out", ".txt");
    Path err = Files.createTempFile(workDir, "podium-err", ".txt");
    Process process =
        builder
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    return new PodiumProcess(process, out, err);
  }

  /**
   * The JVM's options: the two Podium needs and {@code -Xmx256m} for tests; with the system
   * property {@code podium.jvm-options=bin/podium} (the benchmarks), the options {@code bin/podium}
   * gives the command, so that figures are taken as users run Podium.
   */
  private static List<String> jvmOptions(List<String> args) throws IOException {
    String launcher = System.getProperty("podium.jvm-options");
    if (launcher == null || launcher.isEmpty()) {
      return List.of(
          "--sun-misc-unsafe-memory-access=allow",
          "--enable-native-access=ALL-UNNAMED",
          "-Xmx256m");
    }
    String command = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
    Process print =
        new ProcessBuilder(launcher, "--jvm-options", command).redirectErrorStream(true).start();
    String printed =
        new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (print.waitFor() != 0) {
        throw new IOException(launcher + " --jvm-options " + command + " failed: " + printed);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return List.of(printed.split("\\s+"));
  }

  /** A TCP port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Waits until something accepts connections on 127.0.0.1:{@code port}. */
  public PodiumProcess awaitListening(int port, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .failFast("podium exited: " + output(), () -> !process.isAlive())
        .until(() -> accepts(port));
    return this;
  }

  /** Waits until the process printed {@code text} on stdout. */
  public PodiumProcess awaitOutput(String text, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .failFast("podium exited: " + output(), () -> !process.isAlive())
        .until(() -> stdout().contains(text));
    return this;
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  public String output() {
    return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
  }

  /** The CPU time the process has used so far (user and system), from the OS. */
  public Duration cpuTime() {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** The exit code of a process that has ended. */
  public int exitCode() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Asks the process to stop (SIGTERM) and waits for its exit code. */
  public int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("podium did not stop within " + timeout + ": " + output());
    }
    return process.exitValue();
  }

  /** Sends SIGTERM and returns at once, e.g. to watch the process drain. */
  public void terminate() {
    process.destroy();
  }

  /** Kills the process at once (SIGKILL): no shutdown hook, no goodbye to its peers. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("podium survived SIGKILL for 10 s");
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
