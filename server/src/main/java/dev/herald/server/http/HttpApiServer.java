package dev.herald.server.http;

import dev.herald.server.NettyListener;
import dev.herald.server.auth.LoginGuard;
import dev.herald.server.provisioning.ApiKeyService;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The HTTP API listener on Netty: JSON under /v1/, /healthz. */
public final class HttpApiServer implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup io = new NioEventLoopGroup(2);
    private final ExecutorService workers;
    private final Channel channel;

    public HttpApiServer(String bindAddress, int port, int maxBody, int workerThreads, Duration idleTimeout,
                         Router router, ApiKeyService keys, HttpApiHandler.ActionListener actions, LoginGuard logins) {
        var counter = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workerThreads, r -> {
            var t = new Thread(r, "http-worker-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.channel = NettyListener.bind("HTTP", boss, io, bindAddress, port, ch -> ch.pipeline()
                    .addLast(new IdleStateHandler(0, 0, idleTimeout.toSeconds(), TimeUnit.SECONDS))
                    .addLast(new HttpServerCodec(8192, 16384, 8192))
                    .addLast(new HttpServerExpectContinueHandler())
                    .addLast(new JsonObjectAggregator(maxBody))
                    .addLast(new HttpApiHandler(router, keys, workers, actions, logins)));
        } catch (IllegalStateException e) {
            close();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
