package dev.herald.server.smtp;

import dev.herald.server.net.ConnectionLimiter;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.codec.SmtpCommand;
import dev.herald.server.smtp.codec.SmtpCommandParser;
import dev.herald.server.smtp.codec.SmtpFrameDecoder;
import dev.herald.server.smtp.codec.SmtpInput;
import dev.herald.server.smtp.codec.SmtpReply;
import dev.herald.server.smtp.codec.SmtpSyntaxException;
import dev.herald.server.smtp.handlers.AuthHandler;
import dev.herald.server.smtp.handlers.BdatHandler;
import dev.herald.server.smtp.handlers.DataHandler;
import dev.herald.server.smtp.handlers.HeloHandler;
import dev.herald.server.smtp.handlers.MailHandler;
import dev.herald.server.smtp.handlers.RcptHandler;
import dev.herald.server.smtp.handlers.SimpleVerbs;
import dev.herald.server.smtp.handlers.StartTlsHandler;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection: takes decoded inputs one at a time, dispatches each to its verb handler,
 * writes the reply, and carries out what the handler decided (close, start TLS, read DATA).
 * While a handler's answer is pending (fsync, a password hash) the decoder is paused, so
 * pipelined commands wait their turn and their replies come in order.
 */
final class SmtpConnectionHandler extends SimpleChannelInboundHandler<SmtpInput> {
    private static final Logger log = LoggerFactory.getLogger(SmtpConnectionHandler.class);
    static final String IDLE = "idle";

    private final SmtpContext ctx;
    private final Listener listener;
    private final SmtpFrameDecoder decoder;
    private SmtpSession session;
    private boolean counted;
    private boolean closing;

    SmtpConnectionHandler(SmtpContext ctx, Listener listener, SmtpFrameDecoder decoder) {
        this.ctx = ctx;
        this.listener = listener;
        this.decoder = decoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ch) {
        var client = (InetSocketAddress) ch.channel().remoteAddress();
        var verdict = ctx.limiter().open(client.getAddress());
        if (verdict != ConnectionLimiter.Verdict.OK) {
            closing = true;
            var reply = verdict == ConnectionLimiter.Verdict.TOO_MANY ? Replies.TOO_MANY_CONNECTIONS : Replies.TOO_MANY_CONNECTIONS_FROM_YOU;
            ch.writeAndFlush(Unpooled.wrappedBuffer(reply.encode())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        counted = true;
        session = new SmtpSession(listener, client);
        var ssl = ch.pipeline().get(SslHandler.class);
        if (ssl != null) { // implicit TLS
            session.tls = Optional.of("TLS");
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    session.tls = Optional.of(describe(ssl));
                }
            });
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(Replies.greeting(ctx.hostname()).encode()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ch) {
        if (counted) {
            ctx.limiter().close(session.client.getAddress());
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ch, SmtpInput input) {
        if (closing) {
            return;
        }
        CompletableFuture<Outcome> outcome;
        try {
            outcome = dispatch(input);
        } catch (RuntimeException e) {
            log.error("SMTP {} from {}: handler failed", input.getClass().getSimpleName(), session.clientIp(), e);
            outcome = Outcome.reply(Replies.LOCAL_ERROR);
        }
        if (outcome.isDone()) {
            apply(ch, outcome.join());
            return;
        }
        decoder.pause();
        ch.channel().config().setAutoRead(false);
        outcome.whenCompleteAsync((o, failure) -> {
            if (failure != null) {
                log.error("SMTP command from {} failed", session.clientIp(), failure);
            }
            apply(ch, failure != null ? new Outcome(Replies.LOCAL_ERROR, Outcome.Action.NONE) : o);
            ch.flush();
            if (!closing) {
                ch.channel().config().setAutoRead(true);
                decoder.resume();
            }
        }, ch.executor());
    }

    private CompletableFuture<Outcome> dispatch(SmtpInput input) {
        if (input instanceof SmtpInput.Line line) {
            if (session.sasl.isPresent()) {
                return AuthHandler.respond(ctx, session, line.text());
            }
            SmtpCommand command;
            try {
                command = SmtpCommandParser.parse(line.text());
            } catch (SmtpSyntaxException e) {
                return Outcome.reply(e.reply());
            }
            return command(command);
        }
        if (input instanceof SmtpInput.DataBody body) {
            setIdle(ctx.config().smtpCommandTimeout());
            return DataHandler.finish(ctx, session, body);
        }
        if (input instanceof SmtpInput.BdatChunk chunk) {
            return BdatHandler.chunk(ctx, session, chunk);
        }
        session.sasl = Optional.empty();
        return Outcome.reply(Replies.LINE_TOO_LONG);
    }

    private CompletableFuture<Outcome> command(SmtpCommand command) {
        if (command instanceof SmtpCommand.Helo c) {
            return HeloHandler.handle(ctx, session, c);
        } else if (command instanceof SmtpCommand.Mail c) {
            var o = MailHandler.handle(ctx, session, c);
            decoder.resetTransaction();
            return o;
        } else if (command instanceof SmtpCommand.Rcpt c) {
            return RcptHandler.handle(ctx, session, c);
        } else if (command instanceof SmtpCommand.Data) {
            return DataHandler.start(session);
        } else if (command instanceof SmtpCommand.Bdat c) {
            return BdatHandler.command(session, c);
        } else if (command instanceof SmtpCommand.Rset) {
            decoder.resetTransaction();
            return SimpleVerbs.rset(session);
        } else if (command instanceof SmtpCommand.Noop) {
            return SimpleVerbs.noop();
        } else if (command instanceof SmtpCommand.Quit) {
            return SimpleVerbs.quit(ctx);
        } else if (command instanceof SmtpCommand.StartTls) {
            return StartTlsHandler.handle(ctx, session);
        } else if (command instanceof SmtpCommand.Vrfy) {
            return SimpleVerbs.vrfy();
        } else if (command instanceof SmtpCommand.Help) {
            return SimpleVerbs.help();
        } else if (command instanceof SmtpCommand.Auth c) {
            return AuthHandler.start(ctx, session, c);
        }
        return Outcome.reply(Replies.UNKNOWN_COMMAND);
    }

    private void apply(ChannelHandlerContext ch, Outcome o) {
        if (closing) {
            return;
        }
        switch (o.action()) {
            case START_TLS -> {
                // Added before the 220 is written: startTls=true sends that reply in plaintext,
                // then everything is encrypted. Bytes pipelined behind STARTTLS are dropped.
                var ssl = new SslHandler(ctx.tls().orElseThrow().newEngine(ch.alloc()), true);
                ch.pipeline().addFirst("tls", ssl);
                decoder.discardBuffered();
                session.resetForTls("TLS");
                ssl.handshakeFuture().addListener(f -> {
                    if (f.isSuccess()) {
                        session.tls = Optional.of(describe(ssl));
                    }
                });
                write(ch, o.reply());
                ch.flush();
                return;
            }
            case CLOSE -> {
                close(ch, o.reply());
                return;
            }
            case EXPECT_DATA -> {
                decoder.expectData();
                setIdle(ctx.config().smtpDataTimeout());
            }
            default -> {
            }
        }
        if (o.reply() != null) {
            write(ch, o.reply());
            if (o.reply().code() >= 500 && ++session.errors >= ctx.config().smtpMaxErrors()) {
                close(ch, Replies.TOO_MANY_ERRORS);
            }
        }
    }

    private static void write(ChannelHandlerContext ch, SmtpReply reply) {
        ch.write(Unpooled.wrappedBuffer(reply.encode()));
    }

    private void close(ChannelHandlerContext ch, SmtpReply reply) {
        closing = true;
        ch.writeAndFlush(Unpooled.wrappedBuffer(reply.encode())).addListener(ChannelFutureListener.CLOSE);
    }

    private void setIdle(Duration timeout) {
        var pipeline = decoder.ctxPipeline();
        if (pipeline != null && pipeline.get(IDLE) != null) {
            pipeline.replace(IDLE, IDLE, new IdleStateHandler(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
    }

    private static String describe(SslHandler ssl) {
        var s = ssl.engine().getSession();
        return s.getProtocol() + " " + s.getCipherSuite();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ch) {
        ch.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ch, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !closing) {
            close(ch, Replies.TIMEOUT);
            return;
        }
        super.userEventTriggered(ch, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ch, Throwable cause) {
        log.debug("SMTP connection from {} failed: {}", ch.channel().remoteAddress(), cause.toString());
        ch.close();
    }
}
