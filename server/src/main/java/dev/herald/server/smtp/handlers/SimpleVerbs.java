package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import java.util.concurrent.CompletableFuture;

/** RSET, NOOP, QUIT, VRFY (252: never confirms an address), HELP. */
public final class SimpleVerbs {
    private SimpleVerbs() {
    }

    public static CompletableFuture<Outcome> rset(SmtpSession s) {
        s.resetTransaction();
        return Outcome.reply(Replies.RESET);
    }

    public static CompletableFuture<Outcome> noop() {
        return Outcome.reply(Replies.NOOP);
    }

    public static CompletableFuture<Outcome> quit(SmtpContext ctx) {
        return Outcome.then(Replies.bye(ctx.hostname()), Outcome.Action.CLOSE);
    }

    public static CompletableFuture<Outcome> vrfy() {
        return Outcome.reply(Replies.VRFY);
    }

    public static CompletableFuture<Outcome> help() {
        return Outcome.reply(Replies.HELP);
    }
}
