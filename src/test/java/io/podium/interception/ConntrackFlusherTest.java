package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConntrackFlusherTest {

  private static final String FILTER4 =
      "-f ipv4 -p tcp --orig-dst 169.254.169.254 --dport 80 --reply-src 169.254.169.254";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final FakeCommandRunner runner = new FakeCommandRunner().installed("conntrack");
  private final ConntrackFlusher flusher = new ConntrackFlusher(runner);

  @Test
  void deletesOnlyConnectionsWhoseRepliesStillComeFromTheRealService() {
    runner.answer(
        "conntrack -L " + FILTER4,
        "tcp 6 431999 ESTABLISHED src=10.0.0.2 dst=169.254.169.254 sport=33664 dport=80"
            + " src=169.254.169.254 dst=10.0.0.2 sport=80 dport=33664 [ASSURED] mark=0 use=1\n"
            + "tcp 6 113 TIME_WAIT src=10.0.0.3 dst=169.254.169.254 sport=41000 dport=80"
            + " src=169.254.169.254 dst=10.0.0.3 sport=80 dport=41000 [ASSURED] mark=0 use=1\n");
    runner.answer("conntrack -D " + FILTER4, "");

    assertThat(flusher.flush(IpFamily.IPV4)).isEqualTo(2);
    assertThat(runner.calls())
        .extracting(FakeCommandRunner.Call::command)
        .containsExactly("conntrack -L " + FILTER4, "conntrack -D " + FILTER4);
  }

  @Test
  void deletesNothingWhenNothingMatches() {
    runner.answer(
        "conntrack -L -f ipv6 -p tcp --orig-dst fd00:ec2::254 --dport 80 --reply-src"
            + " fd00:ec2::254",
        "");

    assertThat(flusher.flush(IpFamily.IPV6)).isZero();
    assertThat(runner.calls("conntrack -D")).isEmpty();
  }

  @Test
  void aFailingListIsLoggedAndDeletesNothing() {
    runner.answer(
        "conntrack -L " + FILTER4,
        FakeCommandRunner.failure(1, "conntrack v1.4.7 (conntrack-tools): Operation failed"));

    assertThat(flusher.flush(IpFamily.IPV4)).isZero();
    assertThat(runner.calls("conntrack -D")).isEmpty();
    assertThat(logs.messagesFrom("io.podium.interception"))
        .containsExactly(
            "Cannot list ipv4 connections to the metadata service (conntrack exit code 1):"
                + " conntrack v1.4.7 (conntrack-tools): Operation failed");
  }

  @Test
  void withoutConntrackItWarnsOnceAndRunsNothing() {
    ConntrackFlusher without = new ConntrackFlusher(new FakeCommandRunner());

    assertThat(without.flush(IpFamily.IPV4)).isZero();
    assertThat(without.flush(IpFamily.IPV6)).isZero();
    assertThat(logs.messagesFrom("io.podium.interception"))
        .singleElement()
        .asString()
        .startsWith("conntrack is not installed");
  }
}
