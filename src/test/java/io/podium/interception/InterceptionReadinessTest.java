package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.ops.Health;
import io.podium.ops.OpsServer;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /readyz} follows the interception rule as the composition roots wire it: not ready before
 * the rule is installed and while it cannot be written, ready once it is in place.
 */
class InterceptionReadinessTest {

  private final FakeRuleBackend backend = new FakeRuleBackend();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final RuleManager rules =
      new RuleManager(
          List.of(
              new RuleSpec(
                  IpFamily.IPV4,
                  InetAddress.ofLiteral("10.0.0.1"),
                  8181,
                  List.of(InterfaceMatch.parse("cali+")))),
          backend,
          new ConntrackFlusher(new FakeCommandRunner()),
          new InterceptionMetrics(registry, List.of(IpFamily.IPV4)),
          new ManualScheduler(new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))),
          Duration.ofSeconds(10),
          List::of,
          new PodTraffic());
  private final Health health =
      new Health().ready("interception-rule", rules::ready, "the rule could not be written");
  private final OpsServer server =
      OpsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, health);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  private int readyz() throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void notReadyUntilTheRuleIsInPlaceNorWhileItIsMissingAndCannotBeWritten() throws Exception {
    assertThat(readyz()).isEqualTo(503);

    rules.install();
    assertThat(readyz()).isEqualTo(200);

    // Someone flushed the nat table, and the node now refuses Podium's writes.
    backend.flushedBySomeoneElse(IpFamily.IPV4);
    backend.failWrites("iptables-nft-restore failed with exit code 4: Permission denied");
    rules.check();
    assertThat(readyz()).isEqualTo(503);

    backend.failWrites(null);
    rules.check();
    assertThat(readyz()).isEqualTo(200);
  }

  @Test
  void notReadyWhenTheFirstInstallFails() throws Exception {
    backend.failWrites("iptables-nft-restore failed with exit code 4: Permission denied");

    assertThatThrownBy(rules::install).isInstanceOf(InterceptionException.class);
    assertThat(readyz()).isEqualTo(503);
  }
}
