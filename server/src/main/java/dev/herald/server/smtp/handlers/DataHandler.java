package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.codec.SmtpInput;
import dev.herald.server.smtp.codec.SmtpReply;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import java.util.concurrent.CompletableFuture;

/** DATA: 354, then the body; 250 only once the message is fsync'ed in the spool. */
public final class DataHandler {
    static final SmtpReply NO_VALID_RECIPIENTS = new SmtpReply(554, "5.5.1", "no valid recipients");

    private DataHandler() {
    }

    public static CompletableFuture<Outcome> start(SmtpSession s) {
        if (!s.inTransaction()) {
            return Outcome.reply(Replies.NEED_MAIL);
        }
        if (s.bdat != null) {
            return Outcome.reply(Replies.BAD_SEQUENCE.withText("DATA cannot follow BDAT in one transaction"));
        }
        if (s.recipients.isEmpty()) {
            return Outcome.reply(s.rejectedRecipients > 0 ? NO_VALID_RECIPIENTS : Replies.NEED_RCPT);
        }
        return Outcome.then(Replies.START_DATA, Outcome.Action.EXPECT_DATA);
    }

    public static CompletableFuture<Outcome> finish(SmtpContext ctx, SmtpSession s, SmtpInput.DataBody body) {
        if (body.tooBig()) {
            s.resetTransaction();
            return Outcome.reply(Replies.MESSAGE_TOO_BIG.withText("message exceeds the size limit of "
                    + ctx.config().smtpMaxMessageSize() + " octets"));
        }
        if (body.lineTooLong()) {
            s.resetTransaction();
            return Outcome.reply(Replies.LINE_TOO_LONG.withText("message has a line longer than "
                    + ctx.config().smtpMaxLineLength() + " octets (RFC 5321 4.5.3.1.6)"));
        }
        return accept(ctx, s, body.body());
    }

    static CompletableFuture<Outcome> accept(SmtpContext ctx, SmtpSession s, byte[] message) {
        return ctx.acceptor().accept(s, message).thenApply(reply -> {
            s.resetTransaction();
            return new Outcome(reply, Outcome.Action.NONE);
        });
    }
}
