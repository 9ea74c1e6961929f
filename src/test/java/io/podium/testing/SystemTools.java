package io.podium.testing;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The programs some tests run as real clients (the AWS CLI, botocore, Node.js) or need for a node
 * of network namespaces (iproute2, iptables, nftables, conntrack). A test whose tool is missing
 * fails with the line that installs it, never skips: README says what to install first, and CI
 * ({@code .ci/run}) installs all of it.
 *
 * <p>Root is the one thing a test may go without, and only the interception tests need it: {@link
 * #requireRoot} follows {@value #INTERCEPTION_PROPERTY} ({@code auto}, {@code require} or {@code
 * skip}, README "Try it").
 */
public final class SystemTools {

  /**
   * How the interception tests treat a run without root: {@code auto}, {@code require}, {@code
   * skip}.
   */
  public static final String INTERCEPTION_PROPERTY = "podium.interception";

  /** The AWS CLI v2 of Debian's awscli package (the image's first {@code aws} is the v1 CLI). */
  public static final Path AWS_CLI = Path.of("/usr/bin/aws");

  private SystemTools() {}

  /** The line that installs {@code program}: a Debian package, or moto from PyPI. */
  private static String installLine(String program) {
    return switch (program) {
      case "ip" -> "sudo apt-get install -y iproute2";
      case "iptables", "iptables-legacy", "iptables-nft", "iptables-save" ->
          "sudo apt-get install -y iptables";
      case "nft" -> "sudo apt-get install -y nftables";
      case "conntrack" -> "sudo apt-get install -y conntrack";
      case "node" -> "sudo apt-get install -y nodejs npm";
      case "npm" -> "sudo apt-get install -y npm";
      case "moto_server" -> "pip install 'moto[server]==5.2.1' (moto_server on the PATH)";
      default -> "sudo apt-get install -y " + program;
    };
  }

  /**
   * Fails, saying how to install what is missing, unless every program is on the PATH (or in
   * /usr/sbin, /sbin).
   */
  public static void requirePrograms(String... programs) {
    Set<String> lines = new LinkedHashSet<>();
    List<String> missing = new ArrayList<>();
    for (String program : programs) {
      if (find(program) == null) {
        missing.add(program);
        lines.add(installLine(program));
      }
    }
    if (!missing.isEmpty()) {
      fail(
          "%s missing: install first with: %s",
          String.join(", ", missing), String.join("; ", lines));
    }
  }

  /** Fails with the install line unless the AWS CLI v2 is at /usr/bin/aws. */
  public static Path awsCli() {
    if (!Files.isExecutable(AWS_CLI)) {
      fail(
          "the AWS CLI v2 is missing at %s: install first with: sudo apt-get install -y awscli",
          AWS_CLI);
    }
    return AWS_CLI;
  }

  /**
   * The python3 that imports {@code module} (botocore, boto3), as found on the ordinary PATH; fails
   * with the install line when there is none.
   */
  public static String python(String module) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder("python3", "-c", "import sys, " + module + "; print(sys.executable)")
              .redirectErrorStream(true);
      builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean done = process.waitFor(30, TimeUnit.SECONDS);
      if (done && process.exitValue() == 0) {
        return output.strip();
      }
      process.destroyForcibly();
      return fail(
          "python3 cannot import %s (%s): install first with: %s",
          module, output.strip(), pythonInstallLine(module));
    } catch (IOException e) {
      return fail(
          "python3 is missing (%s): install first with: %s",
          e.getMessage(), pythonInstallLine(module));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while looking for python3");
    }
  }

  private static String pythonInstallLine(String module) {
    return module.equals("moto")
        ? "pip install 'moto[server]==5.2.1'"
        : "sudo apt-get install -y python3-" + module;
  }

  /**
   * Lets a test that needs root run, or ends it, as {@value #INTERCEPTION_PROPERTY} says: {@code
   * require} fails without root; {@code skip} skips always; {@code auto} (the default) runs as root
   * and otherwise skips — saying so on the build's output — except on CI (the CI variable set),
   * where it fails: CI never skips these tests silently.
   */
  public static void requireRoot(String test, String why) {
    String mode =
        System.getProperty(INTERCEPTION_PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
    boolean root = ProcessHandle.current().info().user().map("root"::equals).orElse(false);
    String rerun =
        "run the build as root, or -D" + INTERCEPTION_PROPERTY + "=skip to skip them on purpose";
    switch (mode) {
      case "skip" -> abort(test + " skipped: -D" + INTERCEPTION_PROPERTY + "=skip");
      case "require" -> {
        if (!root) {
          fail("%s needs root (%s) and -D%s=require: %s", test, why, INTERCEPTION_PROPERTY, rerun);
        }
      }
      case "auto" -> {
        if (root) {
          return;
        }
        if (System.getenv("CI") != null) {
          fail("%s needs root (%s), and CI must run it: %s", test, why, rerun);
        }
        String message =
            test
                + " SKIPPED: it needs root ("
                + why
                + "); as root it runs, with -D"
                + INTERCEPTION_PROPERTY
                + "=require a run without root fails (CI runs it as root)";
        System.err.println("[WARNING] " + message);
        abort(message);
      }
      default ->
          fail("-D%s=%s: use auto (the default), require or skip", INTERCEPTION_PROPERTY, mode);
    }
  }

  private static Path find(String program) {
    List<String> directories = new ArrayList<>();
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!directory.isBlank()) {
        directories.add(directory);
      }
    }
    directories.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String directory : directories) {
      Path candidate = Path.of(directory, program);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
