package dev.herald.server.smtp.session;

import dev.herald.server.smtp.codec.SmtpReply;
import java.util.concurrent.CompletableFuture;

/** What a handler decided: the reply, and what the connection does next. */
public record Outcome(SmtpReply reply, Action action) {
    public enum Action { NONE, CLOSE, START_TLS, EXPECT_DATA, AWAIT_SASL }

    public static CompletableFuture<Outcome> reply(SmtpReply reply) {
        return CompletableFuture.completedFuture(new Outcome(reply, Action.NONE));
    }

    public static CompletableFuture<Outcome> then(SmtpReply reply, Action action) {
        return CompletableFuture.completedFuture(new Outcome(reply, action));
    }

    /** No reply now (a BDAT command answers after its chunk). */
    public static CompletableFuture<Outcome> silent() {
        return CompletableFuture.completedFuture(new Outcome(null, Action.NONE));
    }
}
