package io.podium.bench;

import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
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
 * bench/footprint.sh} runs it beside the agent with the agent's JVM options and its own AOT cache:
 * what the agent holds above this floor is what Podium adds; what the floor holds is what the JVM,
 * Netty, TLS and gRPC cost.
 *
 * <p>{@code FloorAgent <port> <body-bytes> <server-host:port> <cert> <key> <ca> <node>}; prints
 * {@code listening on <address>} once bound and {@code synced} at the stream's first event.
 */
public final class FloorAgent {

  private FloorAgent() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 7) {
      System.err.println(
          "usage: FloorAgent <port> <body-bytes> <server-host:port> <cert> <key> <ca> <node>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int bodyBytes = Integer.parseInt(args[1]);
    String server = args[2];
    int colon = server.lastIndexOf(':');
    ManagedChannel grpc =
        NettyChannelBuilder.forAddress(
                new InetSocketAddress(
                    server.substring(0, colon), Integer.parseInt(server.substring(colon + 1))),
                TlsChannelCredentials.newBuilder()
                    .keyManager(new File(args[3]), new File(args[4]))
                    .trustManager(new File(args[5]))
                    .build())
            .build();
    AtomicLong events = new AtomicLong();
    NodeCredentialsGrpc.newStub(grpc)
        .watch(
            WatchRequest.newBuilder()
                .setNode(args[6])
                .setAgent(Peer.newBuilder().setVersion("floor").setProtocol(1))
                .build(),
            new StreamObserver<WatchEvent>() {
              @Override
              public void onNext(WatchEvent event) {
                if (events.incrementAndGet() == 1) {
                  System.out.println("synced");
                  System.out.flush();
                }
              }

              @Override
              public void onError(Throwable error) {
                System.out.println("stream failed: " + error);
                System.out.flush();
              }

              @Override
              public void onCompleted() {
                System.out.println("stream ended");
                System.out.flush();
              }
            });
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(acceptor, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(BareNettyServer.pipeline(bodyBytes))
              .bind(new InetSocketAddress("127.0.0.1", port))
              .sync()
              .channel();
      System.out.println("listening on " + channel.localAddress());
      System.out.flush();
      channel.closeFuture().sync();
    } finally {
      grpc.shutdownNow();
      acceptor.shutdownGracefully().syncUninterruptibly();
      workers.shutdownGracefully().syncUninterruptibly();
    }
  }
}
