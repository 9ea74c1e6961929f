package io.podium.imds;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.podium.bench.BenchCluster;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.LoggerFactory;

/**
 * Response rendering and writing (bench/jmh.sh): one credentials request through the metadata
 * server's real pipeline on an {@link EmbeddedChannel} — decode, aggregate, sequence, route, the
 * core's answer from cache, the response encoded into bytes — on one thread, with no socket. {@code
 * audit=true} adds the audit record, written synchronously with production's JSON encoder to {@code
 * /dev/null} (bench/logback-jmh.xml), so that its whole cost lands on this thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CredentialsRoundTripBenchmark {

  @Param({"false", "true"})
  public boolean audit;

  @Param({"v1", "v2"})
  public String imds;

  private EmbeddedChannel channel;
  private ByteBuf request;

  @Setup
  public void setUp() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("podium.audit"))
        .setLevel(audit ? Level.INFO : Level.OFF);
    BenchCluster cluster = new BenchCluster();
    MetadataSettings settings = MetadataSettings.builder().maxRequestsPerSecond(0).build();
    MetadataChannelInitializer initializer =
        MetadataServer.initializer(
            settings,
            cluster.service,
            null,
            new MetadataMetrics(new PrometheusRegistry()),
            cluster.clock,
            System::nanoTime,
            new SecureRandom());
    SocketAddress peer = new InetSocketAddress(cluster.pods.getFirst().ips().getFirst(), 40_000);
    channel =
        new EmbeddedChannel() {
          @Override
          protected SocketAddress remoteAddress0() {
            return peer;
          }
        };
    channel.pipeline().addLast(initializer);
    String role = cluster.pods.getFirst().annotations().role();
    StringBuilder raw =
        new StringBuilder("GET ")
            .append(Route.CREDENTIALS_PREFIX)
            .append(role)
            .append(" HTTP/1.1\r\nHost: 169.254.169.254\r\nUser-Agent: aws-sdk-java/2.57.8\r\n");
    if (imds.equals("v2")) {
      String token = tokenFor(channel);
      raw.append("X-aws-ec2-metadata-token: ").append(token).append("\r\n");
    }
    raw.append("\r\n");
    request =
        Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer(raw.toString(), StandardCharsets.US_ASCII));
    int length = exchange();
    if (length < 300) {
      throw new IllegalStateException("the credentials response is only " + length + " bytes");
    }
  }

  private static String tokenFor(EmbeddedChannel channel) {
    channel.writeInbound(
        Unpooled.copiedBuffer(
            """
            PUT /latest/api/token HTTP/1.1\r
            Host: 169.254.169.254\r
            X-aws-ec2-metadata-token-ttl-seconds: 21600\r
            \r
            """,
            StandardCharsets.US_ASCII));
    ByteBuf out = channel.readOutbound();
    try {
      String response = out.toString(StandardCharsets.US_ASCII);
      if (!response.startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException("token request failed: " + response);
      }
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    } finally {
      out.release();
    }
  }

  @Benchmark
  public int credentials() {
    return exchange();
  }

  /**
   * One request in, one response out; returns the response's size. The encoder hands headers and a
   * body that does not fit their buffer over as two buffers, written together in one flush.
   */
  private int exchange() {
    channel.writeInbound(request.duplicate().setIndex(0, request.writerIndex()));
    ByteBuf out = channel.readOutbound();
    if (out == null || out.getByte(9) != '2') {
      throw new IllegalStateException(
          "no 200 response: " + (out == null ? null : out.toString(StandardCharsets.US_ASCII)));
    }
    int length = 0;
    do {
      length += out.readableBytes();
      out.release();
    } while ((out = channel.readOutbound()) != null);
    return length;
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
  }
}
