package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.codec.SmtpCommand;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SaslExchange;
import dev.herald.server.smtp.session.SmtpSession;
import dev.herald.storage.model.EventType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * AUTH PLAIN and LOGIN (RFC 4954, 4616), on submission only and only over TLS. Every attempt goes
 * through the shared {@link dev.herald.server.auth.LoginGuard}: failures slow the next attempt from
 * the same address down, never lock the account; an attempt too early is answered 454 4.7.0.
 */
public final class AuthHandler {
    private static final String USERNAME = Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
    private static final String PASSWORD = Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));

    private AuthHandler() {
    }

    public static CompletableFuture<Outcome> start(SmtpContext ctx, SmtpSession s, SmtpCommand.Auth c) {
        if (!s.listener.isSubmission()) {
            return Outcome.reply(Replies.AUTH_NOT_HERE);
        }
        if (s.tls.isEmpty()) {
            return Outcome.reply(Replies.ENCRYPTION_REQUIRED);
        }
        if (s.user.isPresent()) {
            return Outcome.reply(Replies.ALREADY_AUTHENTICATED);
        }
        if (s.inTransaction()) {
            return Outcome.reply(Replies.BAD_SEQUENCE.withText("AUTH is not allowed during a mail transaction"));
        }
        switch (c.mechanism()) {
            case "PLAIN":
                if (c.initialResponse().isPresent()) {
                    return plain(ctx, s, c.initialResponse().get());
                }
                s.sasl = Optional.of(new SaslExchange("PLAIN", Optional.empty()));
                return Outcome.then(Replies.authChallenge(""), Outcome.Action.AWAIT_SASL);
            case "LOGIN":
                if (c.initialResponse().isPresent()) {
                    return loginUser(s, c.initialResponse().get());
                }
                s.sasl = Optional.of(new SaslExchange("LOGIN", Optional.empty()));
                return Outcome.then(Replies.authChallenge(USERNAME), Outcome.Action.AWAIT_SASL);
            default:
                return Outcome.reply(Replies.AUTH_MECHANISM);
        }
    }

    /** The client's answer to a 334 challenge. */
    public static CompletableFuture<Outcome> respond(SmtpContext ctx, SmtpSession s, String line) {
        var exchange = s.sasl.orElseThrow();
        s.sasl = Optional.empty();
        if (line.equals("*")) {
            return Outcome.reply(Replies.AUTH_CANCELLED);
        }
        if (exchange.mechanism().equals("PLAIN")) {
            return plain(ctx, s, line);
        }
        if (exchange.username().isEmpty()) {
            return loginUser(s, line);
        }
        var password = decode(line);
        if (password.isEmpty()) {
            return Outcome.reply(Replies.AUTH_SYNTAX);
        }
        return verify(ctx, s, exchange.username().get(), password.get(), "LOGIN");
    }

    private static CompletableFuture<Outcome> loginUser(SmtpSession s, String b64) {
        var user = decode(b64);
        if (user.isEmpty()) {
            return Outcome.reply(Replies.AUTH_SYNTAX);
        }
        s.sasl = Optional.of(new SaslExchange("LOGIN", user));
        return Outcome.then(Replies.authChallenge(PASSWORD), Outcome.Action.AWAIT_SASL);
    }

    private static CompletableFuture<Outcome> plain(SmtpContext ctx, SmtpSession s, String b64) {
        var decoded = decode(b64.equals("=") ? "" : b64);
        if (decoded.isEmpty()) {
            return Outcome.reply(Replies.AUTH_SYNTAX);
        }
        // authzid NUL authcid NUL passwd; an authzid other than the authcid is not supported.
        var parts = decoded.get().split("\0", -1);
        if (parts.length != 3 || (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1]))) {
            return Outcome.reply(Replies.AUTH_SYNTAX);
        }
        return verify(ctx, s, parts[1], parts[2], "PLAIN");
    }

    private static CompletableFuture<Outcome> verify(SmtpContext ctx, SmtpSession s, String user, String password, String method) {
        var account = Optional.of(user.trim().toLowerCase(Locale.ROOT));
        return ctx.logins().attempt("SMTP", s.clientIp(), account, () -> ctx.authenticator().authenticate(user, password, method))
                .thenApply(result -> {
                    if (result.throttled()) {
                        return new Outcome(Replies.AUTH_THROTTLED.withText("too many failed authentications from your address, try again in "
                                + result.retryAfterSeconds() + " seconds"), Outcome.Action.NONE);
                    }
                    if (result.ok()) {
                        s.user = result.user();
                        ctx.sendPolicy().events().agent(EventType.LOGIN, result.user().get(), "SMTP AUTH " + method
                                + " on " + s.listener.kind() + " from " + s.clientIp() + s.tls.map(t -> " (" + t + ")").orElse(""));
                        return new Outcome(Replies.AUTH_OK, Outcome.Action.NONE);
                    }
                    return new Outcome(Replies.AUTH_FAILED, Outcome.Action.NONE);
                });
    }

    private static Optional<String> decode(String b64) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(b64.trim()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
