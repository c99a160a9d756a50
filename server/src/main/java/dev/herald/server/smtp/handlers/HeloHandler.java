package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.SmtpCommand;
import dev.herald.server.smtp.codec.SmtpReply;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** EHLO / HELO: starts over and, for EHLO, lists what this session may use right now. */
public final class HeloHandler {
    private HeloHandler() {
    }

    public static CompletableFuture<Outcome> handle(SmtpContext ctx, SmtpSession s, SmtpCommand.Helo c) {
        s.resetTransaction();
        s.helo = Optional.of(c.domain());
        s.extended = c.extended();
        var greeting = ctx.hostname() + " greets " + c.domain();
        if (!c.extended()) {
            return Outcome.reply(new SmtpReply(250, "", greeting));
        }
        return Outcome.reply(new SmtpReply(250, "", capabilities(ctx, s, greeting)));
    }

    /** The extensions of RFC 5321 and friends, each only where it can be used in this state. */
    static java.util.List<String> capabilities(SmtpContext ctx, SmtpSession s, String first) {
        var lines = new ArrayList<String>();
        lines.add(first);
        lines.add("PIPELINING");
        lines.add("SIZE " + ctx.config().smtpMaxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        if (s.tls.isEmpty() && ctx.tls().isPresent()) {
            lines.add("STARTTLS");
        }
        if (s.listener.isSubmission() && s.tls.isPresent() && s.user.isEmpty()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.add("DSN");
        lines.add("CHUNKING");
        return lines;
    }
}
