package dev.herald.server.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One SMTP connection to a remote host, on a Netty channel: commands are written (several at once
 * when pipelining) and each expected reply is a future, completed in order as the replies arrive.
 * Only the reply at the head of the queue is timed, from when it became the head — so a pipelined
 * group is timed reply by reply, as RFC 5321 §4.5.3.2 times commands. A timeout, a malformed or
 * unsolicited reply, or the connection closing fails every reply still expected and closes the
 * channel. All state is touched on the channel's event loop only.
 */
final class SmtpSession {
    /** A whole reply with its lines (EHLO's lines are its extensions). */
    record Raw(int code, List<String> lines) {
        SmtpClient.Reply reply() {
            return new SmtpClient.Reply(code, String.join(" ", lines));
        }

        boolean positive() {
            return code >= 200 && code < 400;
        }
    }

    private record Expected(CompletableFuture<Raw> future, Duration timeout, String what) {
    }

    final Channel channel;
    final Target target;
    private final ArrayDeque<Expected> expected = new ArrayDeque<>();
    private final List<String> lines = new ArrayList<>();
    private int code = -1;
    private ScheduledFuture<?> headTimer;
    private IOException failure;
    /** EHLO keywords (upper case) and their parameters. */
    private Map<String, String> extensions = Map.of();
    boolean tls;
    /** The last transaction ended in a refusal part-way: RSET before the next one. */
    boolean needsReset;
    long idleSinceNanos;
    /** Transactions completed on this connection (0: a fresh one). */
    int transactions;

    SmtpSession(Channel channel, Target target) {
        this.channel = channel;
        this.target = target;
    }

    /** The reply handler for this session's pipeline, after the line decoder. */
    SimpleChannelInboundHandler<ByteBuf> handler() {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                onLine(line.toString(StandardCharsets.UTF_8));
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                fail(new IOException("connection closed by " + host()));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                for (var c = cause; c != null; c = c.getCause()) {
                    if (c instanceof SSLException tls) { // a handshake refused, e.g. a certificate that does not verify
                        fail(new IOException("TLS with " + host() + " failed: " + tls.getMessage(), tls));
                        return;
                    }
                }
                fail(cause instanceof IOException io ? io : new IOException(host() + ": " + cause.getMessage(), cause));
            }
        };
    }

    String host() {
        return target.host().getHostString();
    }

    /** Expects the next reply; call on the event loop, in the order the commands are written. */
    CompletableFuture<Raw> expect(String what, Duration timeout) {
        var f = new CompletableFuture<Raw>();
        if (failure != null) {
            f.completeExceptionally(failure);
            return f;
        }
        expected.add(new Expected(f, timeout, what));
        if (expected.size() == 1) {
            startTimer();
        }
        return f;
    }

    /** Writes a command line (not flushed: a pipelined group goes out in one flush). */
    void write(String line) {
        channel.write(Unpooled.wrappedBuffer((line + "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    void write(byte[] bytes) {
        channel.write(Unpooled.wrappedBuffer(bytes));
    }

    void flush() {
        channel.flush();
    }

    /** Writes and flushes one command and expects its reply. */
    CompletableFuture<Raw> command(String line, String what, Duration timeout) {
        var reply = expect(what, timeout);
        write(line);
        flush();
        return reply;
    }

    boolean offers(String keyword) {
        return extensions.containsKey(keyword);
    }

    /** The SIZE limit the remote announced (RFC 1870), if any. */
    Optional<Long> sizeLimit() {
        var size = extensions.get("SIZE");
        try {
            long n = size == null || size.isBlank() ? 0 : Long.parseLong(size.trim());
            return n > 0 ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Reads the extensions from an EHLO reply (its first line is the greeting). */
    void extensions(Raw ehlo) {
        var map = new HashMap<String, String>();
        for (var line : ehlo.lines().subList(1, ehlo.lines().size())) {
            var t = line.trim();
            int sp = t.indexOf(' ');
            map.put((sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT), sp < 0 ? "" : t.substring(sp + 1));
        }
        extensions = map;
    }

    boolean usable() {
        return failure == null && channel.isActive();
    }

    private void onLine(String line) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        int c = line.length() >= 3 ? parseCode(line) : -1;
        if (c < 0 || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
            fail(new IOException("malformed reply from " + host() + ": " + printable(line)));
            return;
        }
        if (code >= 0 && c != code) {
            fail(new IOException("reply from " + host() + " changes its code within a multi-line reply: " + printable(line)));
            return;
        }
        code = c;
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (lines.size() > 1_000) {
            fail(new IOException("a reply from " + host() + " of more than 1000 lines"));
            return;
        }
        if (line.length() > 3 && line.charAt(3) == '-') {
            return;
        }
        var raw = new Raw(code, List.copyOf(lines));
        lines.clear();
        code = -1;
        var head = expected.poll();
        if (head == null) {
            // A reply nobody asked for: a 421 before closing, or a server answering commands we never sent
            // (e.g. lines injected before STARTTLS). Either way this connection is done.
            fail(new IOException("unexpected reply from " + host() + ": " + raw.reply()));
            return;
        }
        cancelTimer();
        if (!expected.isEmpty()) {
            startTimer();
        }
        head.future().complete(raw);
    }

    private static int parseCode(String line) {
        for (int i = 0; i < 3; i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(line.substring(0, 3));
    }

    private static String printable(String line) {
        var cut = line.length() > 200 ? line.substring(0, 200) + "…" : line;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }

    private void startTimer() {
        var head = expected.peek();
        headTimer = channel.eventLoop().schedule(() -> {
            if (expected.peek() == head) {
                fail(new IOException("no reply from " + host() + " to " + head.what() + " within " + head.timeout().toSeconds() + " s"));
            }
        }, head.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    /** Fails what is still expected and closes the connection; later calls keep the first reason. */
    void fail(IOException why) {
        if (failure == null) {
            failure = why;
        }
        cancelTimer();
        for (Expected e; (e = expected.poll()) != null; ) {
            e.future().completeExceptionally(failure);
        }
        channel.close();
    }

    /** A polite end: QUIT, and the connection is closed after its reply or a short wait. */
    void quit() {
        if (!usable()) {
            channel.close();
            return;
        }
        command("QUIT", "QUIT", Duration.ofSeconds(5)).whenComplete((r, e) -> channel.close());
    }
}
