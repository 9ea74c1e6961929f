package io.podium.interception;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the pods' connections that reached the real metadata service before the rule existed. A DNAT
 * rule applies to new connections only: without this, a pod's keep-alive connection opened before
 * Podium started would keep reaching the node's own credentials. Deleting the conntrack entry makes
 * the connection's next packet go through the rule to the agent, which resets it; the SDK then
 * reconnects, through the rule.
 *
 * <p>Only entries whose reply still comes from the metadata address are deleted ({@code
 * --reply-src}): connections already sent to the agent are left alone.
 */
final class ConntrackFlusher {

  private static final Logger log = LoggerFactory.getLogger(ConntrackFlusher.class);

  private final CommandRunner runner;
  private final AtomicBoolean warnedMissing = new AtomicBoolean();

  ConntrackFlusher(CommandRunner runner) {
    this.runner = runner;
  }

  /** The conntrack filter for connections to the real metadata service. */
  static List<String> filter(IpFamily family) {
    String address = IpLiterals.text(family.metadataAddress());
    return List.of(
        "-f",
        family.label(),
        "-p",
        "tcp",
        "--orig-dst",
        address,
        "--dport",
        Integer.toString(IpFamily.METADATA_PORT),
        "--reply-src",
        address);
  }

  /**
   * Deletes the conntrack entries of connections to the real metadata service.
   *
   * @return how many there were; 0 when conntrack is not installed or fails (logged, since the rule
   *     itself is in place and only connections opened before it survive)
   */
  long flush(IpFamily family) {
    if (!runner.available("conntrack")) {
      if (warnedMissing.compareAndSet(false, true)) {
        log.warn(
            "conntrack is not installed: connections that pods opened to the real metadata"
                + " service before the interception rule existed stay open until they close");
      }
      return 0;
    }
    // -L first: conntrack -D exits 1 both when it fails and when nothing matched.
    CommandRunner.Result listed = runner.run(command("-L", family));
    if (!listed.succeeded()) {
      log.warn(
          "Cannot list {} connections to the metadata service (conntrack exit code {}): {}",
          family.label(),
          listed.exitCode(),
          listed.firstError());
      return 0;
    }
    long entries = listed.stdout().lines().filter(line -> !line.isBlank()).count();
    if (entries == 0) {
      return 0;
    }
    CommandRunner.Result deleted = runner.run(command("-D", family));
    if (!deleted.succeeded()) {
      log.warn(
          "Cannot cut {} {} connections to the real metadata service (conntrack exit code {}):"
              + " {}",
          entries,
          family.label(),
          deleted.exitCode(),
          deleted.firstError());
      return 0;
    }
    return entries;
  }

  private static List<String> command(String operation, IpFamily family) {
    return Stream.concat(Stream.of("conntrack", operation), filter(family).stream()).toList();
  }
}
