package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.imds.EmbeddedImds.Connection;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The caps on open connections of the metadata port: per source address and overall, counted by
 * {@code podium_metadata_connections_refused_total} and {@code podium_metadata_open_connections}.
 */
class ConnectionLimitTest {

  private static final String LIST = "/latest/meta-data/iam/security-credentials/";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private EmbeddedImds start(int max, int perSource) {
    EmbeddedImds imds =
        new EmbeddedImds(
            MetadataSettings.builder()
                .maxConnections(max)
                .maxConnectionsPerSource(perSource)
                .build());
    for (String ip : List.of("10.0.0.5", "10.0.0.6", "10.0.0.7")) {
      imds.callers.permit(
          ip,
          TestPods.running("team-a", "web-" + ip).withIp(ip).build(),
          "arn:aws:iam::123456789012:role/reader");
    }
    return imds;
  }

  @Test
  void closesAConnectionBeyondItsSourcesCapAndKeepsServingOtherSources() {
    EmbeddedImds imds = start(100, 3);
    List<Connection> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(imds.connect("10.0.0.5"));
    }

    Connection fourth = imds.connect("10.0.0.5");
    Connection neighbour = imds.connect("10.0.0.6");

    assertThat(fourth.isOpen()).isFalse();
    assertThat(held).allMatch(Connection::isOpen);
    assertThat(neighbour.get(LIST).status()).isEqualTo(200);
    assertThat(held.getFirst().get(LIST).status()).isEqualTo(200);
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_connections_refused_total{reason=\"source_limit\"} 1.0")
        .contains("podium_metadata_open_connections 4.0");
  }

  @Test
  void aSourceGetsItsShareBackAsItsConnectionsClose() {
    EmbeddedImds imds = start(100, 2);
    Connection first = imds.connect("10.0.0.5");
    imds.connect("10.0.0.5");
    assertThat(imds.connect("10.0.0.5").isOpen()).isFalse();

    var _ = first.channel.close();

    assertThat(imds.connect("10.0.0.5").isOpen()).isTrue();
  }

  @Test
  void closesConnectionsBeyondTheOverallCap() {
    EmbeddedImds imds = start(3, 2);
    imds.connect("10.0.0.5");
    imds.connect("10.0.0.5");
    imds.connect("10.0.0.6");

    Connection beyond = imds.connect("10.0.0.7");

    assertThat(beyond.isOpen()).isFalse();
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_connections_refused_total{reason=\"limit\"} 1.0");
  }

  @Test
  void logsTheFirstRefusalOfABurstAndCountsEvery() {
    EmbeddedImds imds = start(100, 1);
    imds.connect("10.0.0.5");
    for (int i = 0; i < 5; i++) {
      imds.connect("10.0.0.5");
    }

    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("Closing new connections from 10.0.0.5");
    assertThat(Exposition.text(imds.registry))
        .contains("podium_metadata_connections_refused_total{reason=\"source_limit\"} 5.0");
  }
}
