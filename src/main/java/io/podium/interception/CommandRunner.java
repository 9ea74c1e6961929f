package io.podium.interception;

import java.util.List;

/**
 * Runs the node's network tools (iptables, nft, conntrack): the one way this package touches the
 * kernel, so that the rule logic can be tested against a fake without root.
 */
public interface CommandRunner {

  /** What a finished program printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
      return exitCode == 0;
    }

    /** The first line of stderr (or stdout), for error messages. */
    public String firstError() {
      String text = stderr.isBlank() ? stdout : stderr;
      String line = text.strip().lines().findFirst().orElse("");
      return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
  }

  /** Whether {@code program} can be run here. */
  boolean available(String program);

  /**
   * Runs {@code command} with {@code stdin} as its input and waits for it to end.
   *
   * @throws InterceptionException when the program cannot be started or does not end in time
   */
  Result run(List<String> command, String stdin);

  /** Runs {@code command} with no input. */
  default Result run(List<String> command) {
    return run(command, "");
  }
}
