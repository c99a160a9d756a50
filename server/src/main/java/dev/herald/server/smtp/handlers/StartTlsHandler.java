package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import java.util.concurrent.CompletableFuture;

/** STARTTLS (RFC 3207): 220, then the handshake; the connection handler drops any bytes sent behind it. */
public final class StartTlsHandler {
    private StartTlsHandler() {
    }

    public static CompletableFuture<Outcome> handle(SmtpContext ctx, SmtpSession s) {
        if (s.tls.isPresent()) {
            return Outcome.reply(Replies.ALREADY_TLS);
        }
        if (ctx.tls().isEmpty()) {
            return Outcome.reply(Replies.TLS_UNAVAILABLE);
        }
        if (s.inTransaction()) {
            return Outcome.reply(Replies.BAD_SEQUENCE.withText("STARTTLS inside a transaction; send RSET first"));
        }
        return Outcome.then(Replies.READY_TLS, Outcome.Action.START_TLS);
    }
}
