package io.podium.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The bare Netty baseline's pipeline ({@link BareNettyServer#pipeline}) on an {@link
 * EmbeddedChannel}, answering the same credentials request with a body of the same size: the
 * yardstick for {@code CredentialsRoundTripBenchmark} (bench/jmh.sh), without sockets or the noise
 * of a shared machine's scheduler.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BaselineRoundTripBenchmark {

  private EmbeddedChannel channel;
  private ByteBuf request;

  @Setup
  public void setUp() {
    BenchCluster cluster = new BenchCluster();
    channel = new EmbeddedChannel(BareNettyServer.pipeline(cluster.credentialsDocumentBytes()));
    String raw =
        "GET /latest/meta-data/iam/security-credentials/"
            + cluster.pods.getFirst().annotations().role()
            + " HTTP/1.1\r\nHost: 169.254.169.254\r\nUser-Agent: aws-sdk-java/2.57.8\r\n\r\n";
    request = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(raw, StandardCharsets.US_ASCII));
    if (credentials() < 300) {
      throw new IllegalStateException("the baseline's response is too small");
    }
  }

  /** One request in, one response out (headers and body, possibly two buffers); its size. */
  @Benchmark
  public int credentials() {
    channel.writeInbound(request.duplicate().setIndex(0, request.writerIndex()));
    int length = 0;
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      length += out.readableBytes();
      out.release();
    }
    return length;
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
  }
}
