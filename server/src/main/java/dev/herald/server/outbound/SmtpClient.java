package dev.herald.server.outbound;

import dev.herald.server.outbound.SmtpSession.Raw;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Outbound SMTP on Netty: hundreds of concurrent sessions on a few event-loop threads, none of them
 * blocked by a slow remote. A session: EHLO (HELO when EHLO is refused as unknown), opportunistic
 * STARTTLS to an MX (like other MTAs the certificate is not checked — an MX has no name a client
 * could pin), or to a smarthost required STARTTLS or implicit TLS with its certificate checked
 * unless the route says otherwise, and AUTH PLAIN over TLS; then transactions
 * ({@link SmtpTransaction}: PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE). Each reply is timed
 * per RFC 5321 §4.5.3.2, capped by outbound.command_timeout. Sessions stay open for a few seconds
 * after a transaction and carry the next one to the same target; idle ones end with QUIT.
 */
public final class SmtpClient implements AutoCloseable {
    public record Reply(int code, String text) {
        public boolean positive() {
            return code >= 200 && code < 400;
        }

        public boolean permanent() {
            return code >= 500;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    /** The outcome per recipient, in the order given, and whether TLS was used. */
    public record Result(List<Reply> perRecipient, boolean tls) {
    }

    /** A refusal before any recipient was tried (greeting, EHLO): applies to all of them. */
    public static final class ReplyException extends IOException {
        private static final long serialVersionUID = 1L;
        public final Reply reply;

        ReplyException(Reply reply, String what) {
            super(what + " refused: " + reply);
            this.reply = reply;
        }
    }

    private static final Duration IDLE_LIMIT = Duration.ofSeconds(5);
    /** Idle sessions kept per target; above outbound.max_per_destination's default so a busy destination keeps all of its own. */
    private static final int MAX_IDLE_PER_HOST = 32;
    /** RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; a little room for servers that exceed it, none for abuse. */
    private static final int MAX_REPLY_LINE = 4096;
    private static final AttributeKey<SmtpSession> SESSION = AttributeKey.valueOf("herald.smtp.session");

    private final String helo;
    private final CommandTimeouts timeouts;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    /** Every connection open now (in a transaction or idle), so that a shutdown can cut the ones a slow remote holds. */
    private final ChannelGroup live = new DefaultChannelGroup("outbound", GlobalEventExecutor.INSTANCE);
    /**
     * Idle sessions by target. A new TCP connection, greeting and EHLO per message was most of the
     * time of a delivery to a fast MX; like Postfix's connection cache, a session is reused for a
     * short while, then closed with QUIT.
     */
    private final ConcurrentHashMap<Target, ConcurrentLinkedDeque<SmtpSession>> idle = new ConcurrentHashMap<>();

    public SmtpClient(String helo, Duration connectTimeout, Duration commandTimeout) {
        this(helo, connectTimeout, commandTimeout, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    public SmtpClient(String helo, Duration connectTimeout, Duration commandTimeout, int ioThreads) {
        this.helo = helo;
        this.timeouts = CommandTimeouts.rfc5321(commandTimeout);
        this.group = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("outbound-io", true));
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
        group.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /** An MX, directly, from the system's choice of local address; waits for the outcome (tests and tools). */
    public Result send(InetSocketAddress host, String mailFrom, List<String> recipients, byte[] message) throws IOException {
        try {
            return send(Target.direct(host, Optional.empty()), mailFrom, recipients, message).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** The IOException a failed send carries (an unexpected error wrapped in one). */
    public static IOException unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof IOException io ? io : new IOException(String.valueOf(e.getMessage()), e);
    }

    /**
     * One transaction to {@code target}; the future fails with an IOException when the connection
     * fails, drops or times out (every recipient is then to be retried) or with a
     * {@link ReplyException} when the remote refused the session. Completes on an I/O thread: a
     * caller that blocks hands the result to its own executor.
     */
    public CompletableFuture<Result> send(Target target, String mailFrom, List<String> recipients, byte[] message) {
        var reused = reusable(target);
        if (reused == null) {
            return open(target).thenCompose(s -> transaction(s, mailFrom, recipients, message));
        }
        int before = reused.transactions;
        return transaction(reused, mailFrom, recipients, message).handle((result, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(result);
            }
            // The remote closed the idle session just as it was reused: nothing was sent, a new connection is tried once.
            if (reused.transactions == before && !(unwrap(e) instanceof ReplyException) && !reused.usable()) {
                return open(target).thenCompose(s -> transaction(s, mailFrom, recipients, message));
            }
            return CompletableFuture.<Result>failedFuture(e);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Result> transaction(SmtpSession s, String mailFrom, List<String> recipients, byte[] message) {
        return CompletableFuture.supplyAsync(() -> SmtpTransaction.run(s, timeouts, mailFrom, recipients, message), s.channel.eventLoop())
                .thenCompose(f -> f)
                .whenComplete((r, e) -> {
                    if (e == null) {
                        release(s);
                    } else {
                        s.channel.close();
                    }
                });
    }

    private CompletableFuture<SmtpSession> open(Target target) {
        var opened = new CompletableFuture<SmtpSession>();
        var b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) throws IOException {
                var s = new SmtpSession(ch, target);
                ch.attr(SESSION).set(s);
                if (target.tls() == Target.Tls.IMPLICIT) {
                    ch.pipeline().addLast("tls", tls(target, ch));
                    s.tls = true;
                }
                ch.pipeline().addLast("lines", new LineBasedFrameDecoder(MAX_REPLY_LINE, true, true));
                ch.pipeline().addLast("replies", s.handler());
            }
        });
        ChannelFuture connect = target.source().isPresent()
                ? b.connect(target.host(), new InetSocketAddress(target.source().get(), 0)) : b.connect(target.host());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                var why = f.cause() == null ? "cancelled" : f.cause().getMessage();
                opened.completeExceptionally(new IOException("cannot connect to " + target.host().getHostString() + ":"
                        + target.host().getPort() + ": " + why, f.cause()));
                return;
            }
            var s = connect.channel().attr(SESSION).get();
            live.add(s.channel);
            s.expect("the greeting", timeouts.greeting())
                    .thenApply(greeting -> require(greeting, "greeting"))
                    .thenCompose(g -> ehlo(s))
                    .thenCompose(ehlo -> startTls(s, ehlo))
                    .thenCompose(ehlo -> target.auth().isPresent() ? authenticate(s, ehlo) : CompletableFuture.completedFuture(ehlo))
                    .whenComplete((ehlo, e) -> {
                        if (e == null) {
                            opened.complete(s);
                        } else {
                            s.channel.close();
                            opened.completeExceptionally(unwrap(e));
                        }
                    });
        });
        return opened;
    }

    private static Raw require(Raw reply, String what) {
        if (!reply.positive()) {
            throw new CompletionException(new ReplyException(reply.reply(), what));
        }
        return reply;
    }

    /** EHLO, or HELO for a server that does not know EHLO (RFC 5321 §3.2): then no extensions. */
    private CompletableFuture<Raw> ehlo(SmtpSession s) {
        return s.command("EHLO " + helo, "EHLO", timeouts.command()).thenCompose(r -> {
            if (r.positive()) {
                s.extensions(r);
                return CompletableFuture.completedFuture(r);
            }
            if (r.code() == 500 || r.code() == 502) {
                return s.command("HELO " + helo, "HELO", timeouts.command()).thenApply(h -> require(h, "HELO"));
            }
            throw new CompletionException(new ReplyException(r.reply(), "EHLO"));
        });
    }

    private CompletableFuture<Raw> startTls(SmtpSession s, Raw ehlo) {
        var target = s.target;
        boolean offers = s.offers("STARTTLS");
        boolean wants = target.tls() == Target.Tls.STARTTLS || target.tls() == Target.Tls.OPPORTUNISTIC && offers;
        if (s.tls || !wants) {
            return CompletableFuture.completedFuture(ehlo);
        }
        if (!offers) {
            return CompletableFuture.failedFuture(new IOException(s.host() + " does not offer STARTTLS, which this route requires"));
        }
        return s.command("STARTTLS", "STARTTLS", timeouts.command()).thenCompose(ready -> {
            if (ready.code() != 220) {
                if (target.tls() == Target.Tls.STARTTLS) {
                    throw new CompletionException(new IOException(s.host() + " refused STARTTLS: " + ready.reply()));
                }
                return CompletableFuture.completedFuture(ehlo); // opportunistic: on in plain text
            }
            var upgraded = new CompletableFuture<Raw>();
            // After this read is decoded: a reply line sent along with the 220 (plaintext injected ahead of
            // TLS, CVE-2011-0411's twin on the client side) is then unexpected and fails the session.
            s.channel.eventLoop().execute(() -> {
                if (!s.usable()) {
                    upgraded.completeExceptionally(new IOException(s.host() + " closed the connection at STARTTLS"));
                    return;
                }
                SslHandler handler;
                try {
                    // A fresh decoder: a partial line left in the old one reaches the reply handler and fails the session.
                    s.channel.pipeline().replace("lines", "lines", new LineBasedFrameDecoder(MAX_REPLY_LINE, true, true));
                    handler = tls(target, s.channel);
                } catch (IOException | RuntimeException e) {
                    upgraded.completeExceptionally(e);
                    return;
                }
                if (!s.usable()) {
                    upgraded.completeExceptionally(new IOException(s.host() + " sent data after its STARTTLS reply"));
                    return;
                }
                s.channel.pipeline().addFirst("tls", handler);
                handler.handshakeFuture().addListener(h -> {
                    if (!h.isSuccess()) {
                        upgraded.completeExceptionally(new IOException("TLS with " + s.host() + " failed: " + h.cause().getMessage(), h.cause()));
                        return;
                    }
                    s.tls = true;
                    ehlo(s).whenComplete((again, e) -> {
                        if (e == null) {
                            upgraded.complete(again);
                        } else {
                            upgraded.completeExceptionally(e);
                        }
                    });
                });
            });
            return upgraded;
        });
    }

    /**
     * AUTH PLAIN to a smarthost, only over TLS. A refusal is an IOException, so the mail waits and
     * is retried (as Postfix defers on a SASL failure): wrong relay credentials are an admin's
     * mistake to fix, not a reason to bounce every message.
     */
    private CompletableFuture<Raw> authenticate(SmtpSession s, Raw ehlo) {
        if (!s.tls) {
            return CompletableFuture.failedFuture(new IOException("not sending the credentials for " + s.host() + " without TLS"));
        }
        if (!s.offers("AUTH")) {
            return CompletableFuture.failedFuture(new IOException(s.host() + " does not offer AUTH, which this route is configured for"));
        }
        var c = s.target.auth().get();
        var token = Base64.getEncoder().encodeToString(("\0" + c.user() + "\0" + c.password()).getBytes(StandardCharsets.UTF_8));
        return s.command("AUTH PLAIN " + token, "AUTH", timeouts.command()).thenApply(r -> {
            if (r.code() != 235) {
                throw new CompletionException(new IOException("authentication to " + s.host() + " as " + c.user() + " failed: " + r.reply()));
            }
            return ehlo;
        });
    }

    private SslHandler tls(Target target, io.netty.channel.Channel ch) throws IOException {
        var host = target.host();
        var context = target.verifyCertificate() ? verifying() : opportunistic();
        SSLEngine engine = context.createSSLEngine(host.getHostString(), host.getPort());
        engine.setUseClientMode(true);
        if (target.verifyCertificate()) {
            var params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the relay host
            engine.setSSLParameters(params);
        }
        var handler = new SslHandler(engine);
        handler.setHandshakeTimeout(timeouts.command().toMillis(), TimeUnit.MILLISECONDS);
        return handler;
    }

    /** An idle session to the target that is still open, or null. */
    private SmtpSession reusable(Target target) {
        var sessions = idle.get(target);
        if (sessions == null) {
            return null;
        }
        for (SmtpSession s; (s = sessions.pollFirst()) != null; ) {
            if (s.usable() && System.nanoTime() - s.idleSinceNanos < IDLE_LIMIT.toNanos()) {
                return s;
            }
            var gone = s;
            gone.channel.eventLoop().execute(gone::quit);
        }
        return null;
    }

    private void release(SmtpSession s) {
        if (!s.usable()) {
            s.channel.close();
            return;
        }
        var sessions = idle.computeIfAbsent(s.target, h -> new ConcurrentLinkedDeque<>());
        if (sessions.size() >= MAX_IDLE_PER_HOST) {
            s.channel.eventLoop().execute(s::quit);
            return;
        }
        s.idleSinceNanos = System.nanoTime();
        sessions.addFirst(s);
    }

    /** Ends sessions idle past the limit with QUIT, once a second, so no host keeps one forever. */
    private void sweep() {
        long now = System.nanoTime();
        idle.forEach((target, sessions) -> {
            sessions.removeIf(s -> {
                if (!s.usable() || now - s.idleSinceNanos > IDLE_LIMIT.toNanos()) {
                    s.channel.eventLoop().execute(s::quit);
                    return true;
                }
                return false;
            });
            if (sessions.isEmpty()) {
                idle.remove(target, sessions);
            }
        });
    }

    /** Connections open now, idle or in a transaction. */
    public int openConnections() {
        return live.size();
    }

    /** Ends every idle session with QUIT, at shutdown. */
    public void closeIdle() {
        for (var sessions : idle.values()) {
            for (SmtpSession s; (s = sessions.pollFirst()) != null; ) {
                var gone = s;
                gone.channel.eventLoop().execute(gone::quit);
            }
        }
    }

    /**
     * At shutdown, after the idle ones: cuts the connections still in a transaction (a tarpit or a
     * remote that never answers would otherwise hold its slot until the command timeout). Their
     * recipients are tried again after the restart; none was recorded delivered.
     */
    public void abortAll() {
        live.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** QUIT to the idle sessions, then the I/O threads stop (within a few seconds). */
    @Override
    public void close() {
        closeIdle();
        live.newCloseFuture().awaitUninterruptibly(1, TimeUnit.SECONDS); // the QUITs' replies, briefly
        abortAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * The message with leading dots doubled and CRLF.CRLF appended (RFC 5321 4.5.2). Copies whole
     * runs between line-leading dots: byte-at-a-time writes were the top frame of the outbound profile.
     */
    static byte[] dotStuffed(byte[] message) {
        int dots = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '.' && (i == 0 || message[i - 1] == '\n')) {
                dots++;
            }
        }
        boolean needsEol = message.length > 0 && message[message.length - 1] != '\n';
        var out = new byte[message.length + dots + (needsEol ? 2 : 0) + 3];
        int o = 0;
        int runStart = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '.' && (i == 0 || message[i - 1] == '\n')) {
                System.arraycopy(message, runStart, out, o, i - runStart);
                o += i - runStart;
                out[o++] = '.';
                runStart = i; // the original dot starts the next run
            }
        }
        System.arraycopy(message, runStart, out, o, message.length - runStart);
        o += message.length - runStart;
        if (needsEol) {
            out[o++] = '\r';
            out[o++] = '\n';
        }
        out[o++] = '.';
        out[o++] = '\r';
        out[o] = '\n';
        return out;
    }

    /** Built once: a new context per connection seeded a SecureRandom each time (5% of the outbound profile). */
    private static volatile SSLContext opportunisticContext;

    private static SSLContext opportunistic() throws IOException {
        var known = opportunisticContext;
        if (known != null) {
            return known;
        }
        try {
            var ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            opportunisticContext = ctx;
            return ctx;
        } catch (Exception e) {
            throw new IOException("TLS unavailable: " + e.getMessage(), e);
        }
    }

    /** The JDK's default trust store: a smarthost is a named service whose certificate can be checked. */
    private static SSLContext verifying() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("TLS unavailable: " + e.getMessage(), e);
        }
    }
}
