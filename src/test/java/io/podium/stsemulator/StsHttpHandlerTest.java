package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.podium.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StsHttpHandlerTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private final StsEmulator emulator = StsEmulator.builder().clock(new MutableClock(NOW)).build();

  @AfterEach
  void close() {
    emulator.close();
  }

  private static FullHttpRequest post(String body) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/",
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length());
    return request;
  }

  @Test
  void answersWithOneFullXmlResponseCarryingTheRequestId() {
    EmbeddedChannel channel = new EmbeddedChannel(emulator.httpHandler());

    channel.writeInbound(post("Action=Nope&Version=2011-06-15"));
    FullHttpResponse response = channel.readOutbound();

    try {
      assertThat(response.status().code()).isEqualTo(400);
      assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/xml");
      assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
          .isEqualTo(response.content().readableBytes());
      assertThat(response.headers().get(HttpHeaderNames.DATE)).contains("2025");
      String body = response.content().toString(StandardCharsets.UTF_8);
      assertThat(body).contains("<RequestId>" + response.headers().get("x-amzn-RequestId"));
      assertThat(channel.isOpen()).isTrue();
      assertThat(channel.outboundMessages()).isEmpty();
    } finally {
      response.release();
    }
  }

  @Test
  void holdsInjectedLatencyOnTheEventLoopInsteadOfBlocking() {
    emulator.faults().latency(Duration.ofMillis(300));
    EmbeddedChannel channel = new EmbeddedChannel(emulator.httpHandler());
    channel.freezeTime();

    channel.writeInbound(post("Action=Nope"));
    assertThat(channel.outboundMessages()).isEmpty();
    channel.advanceTimeBy(299, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.outboundMessages()).isEmpty();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    FullHttpResponse response = channel.readOutbound();

    assertThat(response).isNotNull();
    response.release();
  }

  @Test
  void closesTheConnectionWhenTheClientAsks() {
    EmbeddedChannel channel = new EmbeddedChannel(emulator.httpHandler());
    FullHttpRequest request = post("Action=Nope");
    request.headers().set(HttpHeaderNames.CONNECTION, "close");

    channel.writeInbound(request);
    FullHttpResponse response = channel.readOutbound();

    assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(channel.isOpen()).isFalse();
    response.release();
  }

  @Test
  void refusesBodiesOverTheLimitWith413() {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new HttpRequestDecoder(),
            new HttpResponseEncoder(),
            new HttpObjectAggregator(1024),
            emulator.httpHandler());
    String body = "Action=AssumeRole&Policy=" + "x".repeat(2000);

    channel.writeInbound(
        Unpooled.copiedBuffer(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded"
                + "\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body,
            StandardCharsets.UTF_8));
    ByteBuf written = channel.readOutbound();

    assertThat(written.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 413");
    written.release();
    assertThat(emulator.stats().totalCalls()).isZero();
  }
}
