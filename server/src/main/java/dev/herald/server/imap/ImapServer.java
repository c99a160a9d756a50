package dev.herald.server.imap;

import dev.herald.server.NettyListener;
import dev.herald.server.imap.codec.ImapFrameDecoder;
import dev.herald.server.imap.handlers.AppendHandler;
import dev.herald.server.imap.handlers.BasicCommands;
import dev.herald.server.imap.handlers.CloseHandler;
import dev.herald.server.imap.handlers.CopyMoveHandler;
import dev.herald.server.imap.handlers.ExpungeHandler;
import dev.herald.server.imap.handlers.FetchHandler;
import dev.herald.server.imap.handlers.FolderCommands;
import dev.herald.server.imap.handlers.IdleHandler;
import dev.herald.server.imap.handlers.ImapHandler;
import dev.herald.server.imap.handlers.ListHandler;
import dev.herald.server.imap.handlers.LoginHandler;
import dev.herald.server.imap.handlers.SearchHandler;
import dev.herald.server.imap.handlers.SelectHandler;
import dev.herald.server.imap.handlers.StartTlsHandler;
import dev.herald.server.imap.handlers.StatusHandler;
import dev.herald.server.imap.handlers.StoreHandler;
import dev.herald.server.imap.handlers.UidHandler;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.server.net.ConnectionLimiter;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The IMAP listeners (STARTTLS and implicit TLS) and the one table of command handlers. */
public final class ImapServer implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup io = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    private final List<Channel> channels = new ArrayList<>();
    private final Map<String, ImapHandler> handlers = new HashMap<>();
    private final List<ImapHandler> all = new ArrayList<>();
    private final LoginHandler login = new LoginHandler();
    private final ImapContext ctx;
    private int port = -1;
    private int tlsPort = -1;

    public ImapServer(ImapContext ctx) {
        this.ctx = ctx;
        this.limiter = new ConnectionLimiter(ctx.config().imapMaxConnections(), ctx.config().imapMaxConnectionsPerClient());
        var fetch = new FetchHandler();
        var store = new StoreHandler();
        var copy = new CopyMoveHandler();
        var search = new SearchHandler();
        var expunge = new ExpungeHandler();
        var thread = new dev.herald.server.imap.handlers.ThreadHandler();
        var sort = new dev.herald.server.imap.handlers.SortHandler();
        register(new BasicCommands(this::capabilities), login, new StartTlsHandler(), new SelectHandler(), new ListHandler(),
                new StatusHandler(), new FolderCommands(), new AppendHandler(), new CloseHandler(), expunge, fetch, store, copy, search,
                new UidHandler(fetch, store, copy, search, expunge, thread, sort), thread, sort, new IdleHandler());
        var c = ctx.config();
        try {
            port = bind(c.imapPort(), false);
            if (ctx.tls().isPresent()) {
                tlsPort = bind(c.imapsPort(), true);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void register(ImapHandler... list) {
        for (var h : list) {
            all.add(h);
            h.commands().forEach(name -> handlers.put(name, h));
        }
    }

    /** CAPABILITY: what the registered handlers implement, plus what depends on the session's TLS state. */
    List<String> capabilities(ImapSession s) {
        var caps = new LinkedHashSet<String>();
        caps.add("IMAP4rev1");
        all.forEach(h -> caps.addAll(h.capabilities()));
        if (!s.tls && ctx.tls().isPresent()) {
            caps.add("STARTTLS");
        }
        if (!s.tls && !ctx.config().imapPlaintextLogin()) {
            caps.add("LOGINDISABLED");
        }
        if (s.tls || ctx.config().imapPlaintextLogin()) {
            caps.add("AUTH=PLAIN");
        }
        caps.add("APPENDLIMIT=" + ctx.maxLiteral());
        if (s.state == ImapSession.State.NOT_AUTHENTICATED) {
            // Before login only small literals are taken (imap.preauth_max_literal, at least 4096 octets):
            // RFC 7888 LITERAL-, which promises exactly that; LITERAL+ (any size) once logged in.
            var list = new java.util.ArrayList<>(caps);
            list.replaceAll(c -> c.equals("LITERAL+") ? "LITERAL-" : c);
            return List.copyOf(list);
        }
        return List.copyOf(caps);
    }

    private int bind(int port, boolean implicitTls) {
        var c = ctx.config();
        var ch = NettyListener.bind(implicitTls ? "IMAPS" : "IMAP", boss, io, c.bindAddress(), port, sc -> {
            var p = sc.pipeline();
            open.incrementAndGet();
            sc.closeFuture().addListener(f -> open.decrementAndGet());
            if (implicitTls) {
                p.addLast("tls", ctx.tls().orElseThrow().newHandler(sc.alloc()));
            }
            // Small literals only until login (a LOGIN password fits): nobody unauthenticated makes us hold megabytes.
            var decoder = new ImapFrameDecoder(c.imapMaxCommandLine(), Math.min(ctx.maxLiteral(), c.imapPreauthMaxLiteral()));
            p.addLast("idle", new IdleStateHandler(c.imapIdleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            p.addLast("imap-decoder", decoder);
            p.addLast("imap", new ImapConnectionHandler(ctx, decoder, handlers, login, this::capabilities, implicitTls, limiter));
        });
        channels.add(ch);
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final ConnectionLimiter limiter;

    /** IMAP connections open now (both listeners). */
    public int openConnections() {
        return open.get();
    }

    public int port() {
        return port;
    }

    public int tlsPort() {
        return tlsPort;
    }

    @Override
    public void close() {
        channels.forEach(ch -> ch.close().awaitUninterruptibly());
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
