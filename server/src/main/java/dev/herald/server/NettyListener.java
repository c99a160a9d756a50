package dev.herald.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** Binds a TCP listener the way every Herald listener is bound: backlog 1024, TCP_NODELAY. */
public final class NettyListener {
    private NettyListener() {
    }

    /** @throws IllegalStateException naming the listener, address and cause when it cannot bind */
    public static Channel bind(String what, EventLoopGroup boss, EventLoopGroup io, String address, int port,
                               Consumer<SocketChannel> pipeline) {
        var bootstrap = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.accept(ch);
                    }
                });
        try {
            return bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen for " + what + " on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }
}
