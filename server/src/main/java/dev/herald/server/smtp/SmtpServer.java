package dev.herald.server.smtp;

import dev.herald.server.NettyListener;
import dev.herald.server.smtp.codec.SmtpFrameDecoder;
import dev.herald.server.smtp.session.Listener;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The three SMTP listeners on Netty: MX, submission with STARTTLS, submission with implicit TLS. */
public final class SmtpServer implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup io = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    private final List<Channel> channels = new ArrayList<>();
    private final Map<Listener, Integer> ports = new EnumMap<>(Listener.class);

    public SmtpServer(SmtpContext ctx) {
        var c = ctx.config();
        try {
            bind(ctx, Listener.MX, c.smtpMxPort());
            bind(ctx, Listener.SUBMISSION, c.smtpSubmissionPort());
            if (ctx.tls().isPresent()) {
                bind(ctx, Listener.SUBMISSIONS, c.smtpSubmissionsPort());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void bind(SmtpContext ctx, Listener listener, int port) {
        var c = ctx.config();
        var ch = NettyListener.bind("SMTP (" + listener.name().toLowerCase(java.util.Locale.ROOT) + ")", boss, io, c.bindAddress(), port,
                sc -> {
                    var p = sc.pipeline();
                    if (listener == Listener.SUBMISSIONS) {
                        p.addLast("tls", ctx.tls().orElseThrow().newHandler(sc.alloc()));
                    }
                    var decoder = new SmtpFrameDecoder(c.smtpMaxCommandLine(), c.smtpMaxLineLength() - 1, c.smtpMaxMessageSize());
                    p.addLast(SmtpConnectionHandler.IDLE, new IdleStateHandler(c.smtpCommandTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                    p.addLast("smtp-decoder", decoder);
                    p.addLast("smtp", new SmtpConnectionHandler(ctx, listener, decoder));
                });
        channels.add(ch);
        ports.put(listener, ((InetSocketAddress) ch.localAddress()).getPort());
    }

    public int port(Listener listener) {
        return ports.getOrDefault(listener, -1);
    }

    @Override
    public void close() {
        channels.forEach(ch -> ch.close().awaitUninterruptibly());
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
