package io.podium.imds;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metadata API's real pipeline on Netty's {@link EmbeddedChannel}s, one per simulated
 * connection, each with the peer address a test chooses. Time is the test's: {@link #clock} for
 * tokens, {@link #nanos} for the rate limit, {@link Connection#advance} for timeouts.
 */
final class EmbeddedImds {

  static final Instant START = Instant.parse("2030-01-02T03:04:05.678Z");

  final MutableClock clock;
  final FakeCallerCredentials callers;
  final PrometheusRegistry registry = new PrometheusRegistry();
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final MetadataChannelInitializer initializer;

  EmbeddedImds(MetadataSettings settings) {
    this(settings, new MutableClock(START));
  }

  EmbeddedImds(MetadataSettings settings, MutableClock clock) {
    this(settings, clock, new FakeCallerCredentials(clock));
  }

  EmbeddedImds(MetadataSettings settings, MutableClock clock, FakeCallerCredentials callers) {
    this.clock = clock;
    this.callers = callers;
    this.initializer =
        MetadataServer.initializer(
            settings,
            callers,
            null,
            new MetadataMetrics(registry),
            clock,
            nanos::get,
            new SecureRandom());
  }

  /** A new connection from {@code ip}. */
  Connection connect(String ip) {
    return connectFrom(new InetSocketAddress(TestPods.ip(ip), 40_000));
  }

  /** A new connection from any kind of peer address. */
  Connection connectFrom(SocketAddress peer) {
    return new Connection(peer);
  }

  /** A decoded response, its buffer already released. */
  record Reply(int status, HttpHeaders headers, String body) {}

  /** One simulated TCP connection. */
  final class Connection {
    final EmbeddedChannel channel;
    private final EmbeddedChannel decoder =
        new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));

    private Connection(SocketAddress peer) {
      channel = new PeerChannel(peer);
      channel.pipeline().addLast(initializer);
    }

    Reply get(String path, String... headers) {
      return single(request("GET", path, headers));
    }

    Reply put(String path, String... headers) {
      return single(request("PUT", path, headers));
    }

    /** An IMDSv2 token for this connection's address. */
    String token() {
      Reply reply = put(Route.TOKEN_PATH, "X-aws-ec2-metadata-token-ttl-seconds: 21600");
      if (reply.status() != 200) {
        throw new AssertionError("token request answered " + reply);
      }
      return reply.body();
    }

    /** Sends raw bytes and returns every response they produced. */
    List<Reply> sendRaw(String raw) {
      return sendRaw(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    List<Reply> sendRaw(byte[] raw) {
      if (channel.isOpen()) {
        channel.writeInbound(Unpooled.wrappedBuffer(raw));
      }
      return replies();
    }

    /** Responses written since the last call (after running pending event-loop tasks). */
    List<Reply> replies() {
      channel.runPendingTasks();
      ByteBuf out;
      while ((out = channel.readOutbound()) != null) {
        decoder.writeInbound(out);
      }
      List<Reply> replies = new ArrayList<>();
      FullHttpResponse response;
      while ((response = decoder.readInbound()) != null) {
        try {
          replies.add(
              new Reply(
                  response.status().code(),
                  response.headers().copy(),
                  response.content().toString(StandardCharsets.UTF_8)));
        } finally {
          response.release();
        }
      }
      return replies;
    }

    /** Moves the event loop's clock, running what became due. */
    void advance(Duration duration) {
      channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
      channel.runScheduledPendingTasks();
    }

    boolean isOpen() {
      return channel.isOpen();
    }

    private Reply single(String raw) {
      List<Reply> replies = sendRaw(raw);
      if (replies.size() != 1) {
        throw new AssertionError("expected one response, got " + replies);
      }
      return replies.getFirst();
    }
  }

  static String request(String method, String path, String... headers) {
    StringBuilder raw = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    raw.append("Host: 169.254.169.254\r\n");
    for (String header : headers) {
      raw.append(header).append("\r\n");
    }
    return raw.append("\r\n").toString();
  }

  /** An embedded channel whose peer is a chosen socket address. */
  private static final class PeerChannel extends EmbeddedChannel {
    private final SocketAddress peer;

    PeerChannel(SocketAddress peer) {
      this.peer = peer;
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return peer;
    }
  }
}
