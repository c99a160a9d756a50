package dev.herald.server.imap;

import dev.herald.server.delivery.MailboxEvents;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapFrame;
import dev.herald.server.imap.codec.ImapFrameDecoder;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.ImapParser;
import dev.herald.server.imap.handlers.ImapHandler;
import dev.herald.server.imap.handlers.LoginHandler;
import dev.herald.server.imap.handlers.Responder;
import dev.herald.server.imap.handlers.StartTlsHandler;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.server.net.ConnectionLimiter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection: parses each framed command, checks it is valid in the session's state,
 * runs its handler, then reports what changed in the selected folder and completes the command.
 * While a command is pending (a login hash, an APPEND's fsync, IDLE) nothing else is read.
 */
final class ImapConnectionHandler extends SimpleChannelInboundHandler<ImapFrame> implements MailboxEvents.Listener {
    private static final Logger log = LoggerFactory.getLogger(ImapConnectionHandler.class);
    private static final Set<String> NO_EXPUNGE_DURING = Set.of("FETCH", "STORE", "SEARCH");

    private final ImapContext ctx;
    private final ImapFrameDecoder decoder;
    private final Map<String, ImapHandler> handlers;
    private final LoginHandler login;
    private final Function<ImapSession, List<String>> capabilities;
    private final boolean implicitTls;
    private final ConnectionLimiter limiter;
    private boolean counted;
    private int badCommands;
    /** Something changed in this mailbox since the selected folder was last checked (a DELETE by another session tells this way). */
    private volatile boolean folderMayBeGone;
    private ChannelHandlerContext ch;
    private ImapSession session;
    private CompletableFuture<String> waiting;
    private long subscribed = -1;
    private boolean closing;

    ImapConnectionHandler(ImapContext ctx, ImapFrameDecoder decoder, Map<String, ImapHandler> handlers, LoginHandler login,
                          Function<ImapSession, List<String>> capabilities, boolean implicitTls, ConnectionLimiter limiter) {
        this.limiter = limiter;
        this.ctx = ctx;
        this.decoder = decoder;
        this.handlers = handlers;
        this.login = login;
        this.capabilities = capabilities;
        this.implicitTls = implicitTls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ch) {
        this.ch = ch;
        var client = (InetSocketAddress) ch.channel().remoteAddress();
        session = new ImapSession(client.getAddress().getHostAddress(), implicitTls);
        var verdict = limiter.open(client.getAddress());
        if (verdict != ConnectionLimiter.Verdict.OK) {
            bye(verdict == ConnectionLimiter.Verdict.TOO_MANY ? "[UNAVAILABLE] too many connections, try again later"
                    : "[UNAVAILABLE] too many connections from your address");
            return;
        }
        counted = true;
        write("* OK [CAPABILITY " + String.join(" ", capabilities.apply(session)) + "] Herald IMAP ready");
        ch.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ch) {
        if (counted) {
            limiter.close(((InetSocketAddress) ch.channel().remoteAddress()).getAddress());
        }
        unsubscribe();
        login.closed(session);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ch, ImapFrame frame) {
        if (closing) {
            return;
        }
        if (frame instanceof ImapFrame.NeedContinuation) {
            write("+ Ready for literal data");
            ch.flush();
            decoder.continueLiteral();
        } else if (frame instanceof ImapFrame.TooLong t) {
            if (t.tag() == null) {
                bye(t.what() + " is over the limit");
            } else {
                bad(t.tag(), (t.what().startsWith("literal") ? "[TOOBIG] " : "") + t.what() + " is over the limit"
                        + (t.what().startsWith("literal") && session.state == ImapSession.State.NOT_AUTHENTICATED
                        ? " before login (" + ctx.config().imapPreauthMaxLiteral() + " octets)" : ""));
            }
        } else if (frame instanceof ImapFrame.Line line) {
            rawLine(line.text());
        } else if (frame instanceof ImapFrame.Command c) {
            command(c);
        }
    }

    private void rawLine(String text) {
        var pending = waiting;
        if (session.idleTag != null) {
            if (text.trim().equalsIgnoreCase("DONE")) {
                session.idleTag = null;
                decoder.commandMode();
                pending.complete("OK IDLE terminated");
            } else {
                write("* BAD expected DONE to end IDLE");
            }
        } else if (session.authenticateTag != null) {
            decoder.commandMode();
            login.respond(ctx, session, text).whenComplete((r, e) -> pending.complete(e != null ? "NO authentication failed" : r));
        }
    }

    private void command(ImapFrame.Command frame) {
        ImapCommand c;
        try {
            c = ImapParser.parse(frame.pieces());
        } catch (ImapParseException e) {
            var first = frame.pieces().isEmpty() ? "" : String.valueOf(frame.pieces().get(0));
            var tag = ImapFrameDecoder.tagOf(first);
            bad(tag == null ? "*" : tag, e.getMessage());
            return;
        }
        var handler = handlers.get(c.name());
        if (handler == null) {
            bad(c.tag(), "unknown command " + c.name());
            return;
        }
        if (!handler.states().contains(session.state)) {
            bad(c.tag(), c.name() + " is not valid " + stateName());
            return;
        }
        if (session.state == ImapSession.State.SELECTED && folderMayBeGone && selectedFolderGone()) {
            return;
        }
        CompletableFuture<String> result;
        try {
            result = handler.handle(ctx, session, c, responder());
        } catch (ImapParseException e) {
            bad(c.tag(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("IMAP {} from {} failed", c.name(), session.clientIp, e);
            write(c.tag() + " NO [SERVERBUG] internal error");
            return;
        }
        if (session.idleTag != null) {
            subscribe();
            pushUpdates(true);
            decoder.rawLines();
        } else if (session.authenticateTag != null) {
            decoder.rawLines();
        }
        if (result.isDone() && session.idleTag == null && session.authenticateTag == null) {
            finish(c, result.join());
            return;
        }
        waiting = result;
        if (session.idleTag == null && session.authenticateTag == null) {
            decoder.pause();
        }
        ch.flush();
        result.whenCompleteAsync((status, failure) -> {
            waiting = null;
            if (failure != null) {
                log.error("IMAP {} from {} failed", c.name(), session.clientIp, failure);
            }
            finish(c, failure != null ? "NO [SERVERBUG] internal error" : status);
            ch.flush();
            decoder.resume();
        }, ch.executor());
    }

    private void finish(ImapCommand c, String status) {
        if (status.equals(StartTlsHandler.BEGIN)) {
            var ssl = new SslHandler(ctx.tls().orElseThrow().newEngine(ch.alloc()), true);
            ch.pipeline().addFirst("tls", ssl);
            decoder.discardBuffered();
            session.tls = true;
            write(c.tag() + " " + status);
            return;
        }
        if (session.state != ImapSession.State.NOT_AUTHENTICATED) {
            decoder.maxLiteral(ctx.maxLiteral()); // logged in: APPENDs may now be as large as the limit
        }
        if (session.state == ImapSession.State.SELECTED) {
            subscribe();
            boolean uid = c.name().equals("UID");
            pushUpdates(uid || !NO_EXPUNGE_DURING.contains(c.name()));
        } else {
            unsubscribe();
        }
        if (status.startsWith("BAD")) {
            bad(c.tag(), status.substring(4));
            return;
        }
        write(c.tag() + " " + status);
        if (session.state == ImapSession.State.LOGOUT) {
            closing = true;
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Reports what changed in the selected folder since this session last looked. The folder's
     * current snapshot is shared by all sessions on it and built once per change; when nothing
     * changed this costs one row read (its HIGHESTMODSEQ).
     */
    private void pushUpdates(boolean allowExpunge) {
        var sel = session.selected;
        if (sel == null) {
            return;
        }
        var now = ctx.snapshots().current(sel.folder.id());
        if (now.isEmpty()) {
            selectedFolderGone();
            return;
        }
        for (var line : sel.catchUp(now.get(), allowExpunge, session.condstore)) {
            write("* " + line);
        }
    }

    /**
     * Whether another session deleted the selected folder; if so the client is told with an untagged
     * BYE (RFC 3501 7.1.5) and disconnected, as Dovecot does: no command may read, change or copy
     * mail that is gone, and a folder re-created under the same name is a different folder. Asked
     * before a command only after the mailbox reported a change (a DELETE does); storage refuses to
     * copy or flag what is gone in any case.
     */
    private boolean selectedFolderGone() {
        folderMayBeGone = false;
        var sel = session.selected;
        if (sel == null || closing || ctx.stores().mail().folderById(sel.folder.id()).isPresent()) {
            return false;
        }
        ctx.snapshots().forget(sel.folder.id());
        session.selected = null;
        bye("the selected folder " + sel.folder.name() + " was deleted by another session");
        return true;
    }

    /** A mailbox this session has selected changed: push it now if idling, else at the next command. */
    @Override
    public void changed(long mailboxId) {
        folderMayBeGone = true; // checked before the next command: one row read only after a change, not per command
        ch.executor().execute(() -> {
            if (session.idleTag != null && session.selected != null && !closing) {
                pushUpdates(true);
                ch.flush();
            }
        });
    }

    private void subscribe() {
        if (session.user.isPresent() && subscribed != session.mailboxId()) {
            unsubscribe();
            subscribed = session.mailboxId();
            ctx.events().subscribe(subscribed, this);
        }
    }

    private void unsubscribe() {
        if (subscribed >= 0) {
            ctx.events().unsubscribe(subscribed, this);
            subscribed = -1;
        }
    }

    private String stateName() {
        return switch (session.state) {
            case NOT_AUTHENTICATED -> "before login";
            case AUTHENTICATED -> "without a selected folder";
            case SELECTED -> "with a folder selected";
            case LOGOUT -> "after logout";
        };
    }

    private Responder responder() {
        return new Responder() {
            @Override
            public void untagged(String line) {
                write("* " + line);
            }

            @Override
            public void raw(byte[] bytes) {
                ch.write(Unpooled.wrappedBuffer(bytes));
            }

            @Override
            public void continuation(String text) {
                write("+ " + text);
            }
        };
    }

    /**
     * A tagged BAD, counted: past imap.max_bad_commands the client is not speaking IMAP (or is
     * probing the parser) and gets BYE, as Dovecot does.
     */
    private void bad(String tag, String text) {
        write(tag + " BAD " + text);
        if (++badCommands >= ctx.config().imapMaxBadCommands()) {
            log.info("IMAP client {} sent {} invalid commands; disconnected", session.clientIp, badCommands);
            bye("too many invalid commands");
        }
    }

    private void bye(String text) {
        closing = true;
        ch.writeAndFlush(Unpooled.wrappedBuffer(("* BYE " + text + "\r\n").getBytes(StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void write(String line) {
        ch.write(Unpooled.wrappedBuffer((line + "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ch) {
        ch.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ch, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !closing) {
            closing = true;
            ch.writeAndFlush(Unpooled.wrappedBuffer("* BYE autologout: idle for too long\r\n".getBytes(StandardCharsets.US_ASCII)))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.userEventTriggered(ch, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ch, Throwable cause) {
        // A peer resetting the connection is routine; anything else (out of memory, a decoder bug) is worth a WARN.
        if (cause instanceof java.io.IOException) {
            log.debug("IMAP connection from {} failed: {}", ch.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("IMAP connection from {} failed and was closed", ch.channel().remoteAddress(), cause);
        }
        ch.close();
    }
}
