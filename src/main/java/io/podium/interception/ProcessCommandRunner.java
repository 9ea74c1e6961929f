package io.podium.interception;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link CommandRunner}, on {@link ProcessBuilder}. Programs are looked up on {@code
 * PATH} and then in {@code /usr/sbin} and {@code /sbin}, where distributions put iptables and nft
 * even when a user's {@code PATH} leaves them out.
 */
public final class ProcessCommandRunner implements CommandRunner {

  private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/sbin");

  private final Duration timeout;
  private final List<Path> searchPath;

  /**
   * @param timeout the longest a program may run before it is killed and the call fails
   */
  public ProcessCommandRunner(Duration timeout) {
    this(timeout, System.getenv().getOrDefault("PATH", ""));
  }

  ProcessCommandRunner(Duration timeout, String path) {
    this.timeout = timeout;
    Set<String> directories = new LinkedHashSet<>();
    for (String directory : path.split(":")) {
      if (!directory.isBlank()) {
        directories.add(directory);
      }
    }
    directories.addAll(SYSTEM_DIRECTORIES);
    this.searchPath = directories.stream().map(Path::of).toList();
  }

  @Override
  public boolean available(String program) {
    return locate(program).isPresent();
  }

  @Override
  public Result run(List<String> command, String stdin) {
    String program = command.getFirst();
    Path executable =
        locate(program)
            .orElseThrow(
                () ->
                    new InterceptionException(
                        program + " is not installed (looked on PATH, /usr/sbin and /sbin)"));
    List<String> resolved = new ArrayList<>(command);
    resolved.set(0, executable.toString());
    Process process;
    try {
      process = new ProcessBuilder(resolved).start();
    } catch (IOException e) {
      throw new InterceptionException("cannot run " + program + ": " + e.getMessage(), e);
    }
    // Both outputs are drained while the program runs: iptables-save on a busy node prints
    // megabytes, more than a pipe holds.
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The program may exit without reading its input; its exit code says what happened.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new InterceptionException(
            String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(
          process.exitValue(),
          stdout.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
          stderr.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new InterceptionException("interrupted while running " + program, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      throw new InterceptionException("cannot read the output of " + program, e);
    }
  }

  private Optional<Path> locate(String program) {
    if (program.contains("/")) {
      Path path = Path.of(program);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    for (Path directory : searchPath) {
      Path candidate = directory.resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("podium-command-output")
        .start(
            () -> {
              try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
              }
            });
    return text;
  }
}
