package io.podium.bench;

import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.Peer;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor under the agent's footprint: the least a process built from the agent's mandated parts
 * can hold — {@link BareNettyServer}'s HTTP pipeline on one port, and a grpc-java client with
 * mutual TLS holding one Watch stream open to a Podium server, counting its events. No Podium code
 * on the request path, no logging framework, no metrics, no command line, no JSON. {@code
 * bench/floor.sh} runs it beside the agent with the agent's JVM options and its own AOT cache: what
 * the agent holds above this floor is what Podium adds; what the floor holds is what the JVM,
 * Netty, TLS and gRPC cost. With the mode {@code tls}, the link to the server is one Netty
 * connection with the same mutual TLS (ALPN h2) and nothing on it: what an agent without grpc-java
 * would start from.
 *
 * <p>{@code FloorAgent <port> <body-bytes> <server-host:port> <cert> <key> <ca> <node> [grpc|tls]};
 * prints {@code listening on <address>} once bound and {@code synced} at the stream's first event
 * (with {@code tls}: once the handshake is done).
 */
public final class FloorAgent {

  private FloorAgent() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 7 || args.length > 8 || (args.length == 8 && !args[7].matches("grpc|tls"))) {
      System.err.println(
          "usage: FloorAgent <port> <body-bytes> <server-host:port> <cert> <key> <ca> <node>"
              + " [grpc|tls]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int bodyBytes = Integer.parseInt(args[1]);
    int colon = args[2].lastIndexOf(':');
    InetSocketAddress server =
        new InetSocketAddress(
            args[2].substring(0, colon), Integer.parseInt(args[2].substring(colon + 1)));
    File cert = new File(args[3]);
    File key = new File(args[4]);
    File ca = new File(args[5]);
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
    AutoCloseable link =
        args.length == 8 && args[7].equals("tls")
            ? tlsConnection(server, cert, key, ca, workers)
            : watchStream(server, cert, key, ca, args[6]);
    try {
      BareNettyServer.bind(acceptor, workers, port, bodyBytes).closeFuture().sync();
    } finally {
      try {
        link.close();
      } catch (Exception e) {
        System.err.println("closing the link to the server: " + e);
      }
      acceptor.shutdownGracefully().syncUninterruptibly();
      workers.shutdownGracefully().syncUninterruptibly();
    }
  }

  /** One Watch stream over grpc-java with mutual TLS, as the agent holds to each server. */
  private static AutoCloseable watchStream(
      InetSocketAddress server, File cert, File key, File ca, String node) throws IOException {
    ManagedChannel grpc =
        NettyChannelBuilder.forAddress(
                server,
                TlsChannelCredentials.newBuilder().keyManager(cert, key).trustManager(ca).build())
            .build();
    AtomicLong events = new AtomicLong();
    NodeCredentialsGrpc.newStub(grpc)
        .watch(
            WatchRequest.newBuilder()
                .setNode(node)
                .setAgent(Peer.newBuilder().setVersion("floor").setProtocol(1))
                .build(),
            new StreamObserver<WatchEvent>() {
              @Override
              public void onNext(WatchEvent event) {
                if (events.incrementAndGet() == 1) {
                  say("synced");
                }
              }

              @Override
              public void onError(Throwable error) {
                say("stream failed: " + error);
              }

              @Override
              public void onCompleted() {
                say("stream ended");
              }
            });
    return grpc::shutdownNow;
  }

  /** One Netty connection with the same mutual TLS and nothing sent on it. */
  private static AutoCloseable tlsConnection(
      InetSocketAddress server, File cert, File key, File ca, EventLoopGroup group)
      throws IOException, InterruptedException {
    SslContext tls =
        SslContextBuilder.forClient()
            .keyManager(cert, key)
            .trustManager(ca)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2))
            .build();
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void handlerAdded(ChannelHandlerContext context) {
                    SslHandler handler =
                        tls.newHandler(context.alloc(), server.getHostString(), server.getPort());
                    context.pipeline().addLast(handler);
                    handler
                        .handshakeFuture()
                        .addListener(
                            done ->
                                say(
                                    done.isSuccess()
                                        ? "synced"
                                        : "handshake failed: " + done.cause()));
                  }
                })
            .connect(server)
            .sync()
            .channel();
    return () -> channel.close().syncUninterruptibly();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
