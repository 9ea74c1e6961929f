package io.podium.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The benchmarks' baseline: the least a Netty HTTP server can do to answer a request with a body of
 * a given size — {@code ServerBootstrap}, {@code HttpServerCodec}, {@code HttpObjectAggregator} and
 * one handler writing a prepared {@code FullHttpResponse} in one buffer, with the same event-loop
 * shape as the metadata server (one acceptor, one worker per CPU, {@code TCP_NODELAY}). Keep it
 * minimal and unchanged: every hot-path figure in docs/benchmarks.md is a ratio against it, and a
 * slowed baseline would make them all meaningless.
 *
 * <p>Run by {@code bench/hotpath.sh}: {@code BareNettyServer <port> <body-bytes>}; prints {@code
 * listening on <address>} once bound and serves until killed. {@code BaselineRoundTripBenchmark}
 * runs the same pipeline on an {@code EmbeddedChannel}.
 */
public final class BareNettyServer {

  private BareNettyServer() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: BareNettyServer <port> <body-bytes>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int bodyBytes = Integer.parseInt(args[1]);
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
    try {
      bind(acceptor, workers, port, bodyBytes).closeFuture().sync();
    } finally {
      acceptor.shutdownGracefully().syncUninterruptibly();
      workers.shutdownGracefully().syncUninterruptibly();
    }
  }

  /**
   * The baseline bound on 127.0.0.1:{@code port} with the metadata server's event-loop shape;
   * prints {@code listening on <address>} once bound. {@link FloorAgent} serves HTTP through it
   * too.
   */
  static Channel bind(EventLoopGroup acceptor, EventLoopGroup workers, int port, int bodyBytes)
      throws InterruptedException {
    Channel channel =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(pipeline(bodyBytes))
            .bind(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
    System.out.println("listening on " + channel.localAddress());
    System.out.flush();
    return channel;
  }

  /**
   * The baseline's whole pipeline: codec, aggregator, and the handler answering every request with
   * a {@code bodyBytes} body (also run on an {@code EmbeddedChannel} by JMH).
   */
  public static ChannelInitializer<Channel> pipeline(int bodyBytes) {
    byte[] body = new byte[bodyBytes];
    Arrays.fill(body, (byte) 'x');
    Responder responder = new Responder(prepared(body, true), prepared(body, false));
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline()
            .addLast(new HttpServerCodec())
            .addLast(new HttpObjectAggregator(4096))
            .addLast(responder);
      }
    };
  }

  private static FullHttpResponse prepared(byte[] body, boolean keepAlive) {
    ByteBuf content = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(body));
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
    response
        .headers()
        .set(HttpHeaderNames.SERVER, "EC2ws")
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  /** Writes the prepared response; closes after it when the client asked to. */
  @Sharable
  private static final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final FullHttpResponse keepAlive;
    private final FullHttpResponse close;

    Responder(FullHttpResponse keepAlive, FullHttpResponse close) {
      this.keepAlive = keepAlive;
      this.close = close;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (HttpUtil.isKeepAlive(request)) {
        var _ = ctx.writeAndFlush(keepAlive.retainedDuplicate());
      } else {
        ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
