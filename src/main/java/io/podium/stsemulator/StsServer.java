package io.podium.stsemulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Owns the emulator's listening socket and event loops: start, stop, nothing else. */
final class StsServer implements AutoCloseable {

  private final ChannelInitializer<SocketChannel> initializer;
  private final int threads;
  private @Nullable EventLoopGroup group;
  private @Nullable Channel channel;

  StsServer(ChannelInitializer<SocketChannel> initializer, int threads) {
    this.initializer = initializer;
    this.threads = threads;
  }

  /** Binds and returns the bound address (its port is chosen by the system when 0 was asked). */
  synchronized InetSocketAddress start(InetSocketAddress address) throws IOException {
    if (group != null) {
      throw new IllegalStateException("the STS emulator is already started");
    }
    group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("sts-emulator", true), NioIoHandler.newFactory());
    try {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(initializer)
              .bind(address)
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IOException("interrupted while binding " + address, e);
    } catch (Exception e) {
      close();
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
      channel = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      group = null;
    }
  }
}
