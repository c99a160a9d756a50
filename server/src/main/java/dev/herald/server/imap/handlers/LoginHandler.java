package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LOGIN and AUTHENTICATE PLAIN (with SASL-IR), only over TLS. Attempts go through the shared
 * {@link dev.herald.server.auth.LoginGuard} (failures slow the same address down, never lock the
 * account out); sessions per account are limited.
 */
public final class LoginHandler implements ImapHandler {
    private final Map<Long, AtomicInteger> sessions = new ConcurrentHashMap<>();

    @Override
    public Set<String> commands() {
        return Set.of("LOGIN", "AUTHENTICATE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return NOT_AUTHENTICATED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("SASL-IR");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        if (!s.tls && !ctx.config().imapPlaintextLogin()) {
            return ImapHandler.done("NO [PRIVACYREQUIRED] use STARTTLS (or port " + ctx.config().imapsPort() + ") before logging in");
        }
        if (c.name().equals("LOGIN")) {
            c.arity(2, 2);
            return verify(ctx, s, c.string(0), c.string(1));
        }
        c.arity(1, 2);
        if (!c.string(0).equalsIgnoreCase("PLAIN")) {
            return ImapHandler.done("NO [CANNOT] only AUTHENTICATE PLAIN is supported");
        }
        if (c.args().size() == 2) {
            return plain(ctx, s, c.string(1));
        }
        s.authenticateTag = c.tag();
        out.continuation("");
        return new CompletableFuture<>(); // completed by respond() when the client's line arrives
    }

    /** The client's line after "+" for AUTHENTICATE PLAIN. */
    public CompletableFuture<String> respond(ImapContext ctx, ImapSession s, String line) {
        s.authenticateTag = null;
        if (line.equals("*")) {
            return ImapHandler.done("BAD AUTHENTICATE cancelled");
        }
        return plain(ctx, s, line);
    }

    private CompletableFuture<String> plain(ImapContext ctx, ImapSession s, String b64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(b64.equals("=") ? "" : b64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return ImapHandler.done("BAD cannot decode the PLAIN response");
        }
        var parts = decoded.split("\0", -1);
        if (parts.length != 3 || (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1]))) {
            return ImapHandler.done("BAD malformed PLAIN response");
        }
        return verify(ctx, s, parts[1], parts[2]);
    }

    private CompletableFuture<String> verify(ImapContext ctx, ImapSession s, String user, String password) {
        var account = Optional.of(user.trim().toLowerCase(Locale.ROOT));
        return ctx.logins().attempt("IMAP", s.clientIp, account, () -> ctx.authenticator().authenticate(user, password, "IMAP"))
                .thenApply(result -> {
                    if (result.throttled()) {
                        return "NO [UNAVAILABLE] too many failed logins from your address, try again in " + result.retryAfterSeconds()
                                + " seconds";
                    }
                    if (!result.ok()) {
                        return "NO [AUTHENTICATIONFAILED] invalid credentials";
                    }
                    var u = result.user().get();
                    var count = sessions.computeIfAbsent(u.mailboxId(), id -> new AtomicInteger());
                    if (count.incrementAndGet() > ctx.config().imapMaxSessionsPerAccount()) {
                        count.decrementAndGet();
                        return "NO [LIMIT] too many sessions for this account";
                    }
                    s.user = result.user();
                    s.state = ImapSession.State.AUTHENTICATED;
                    ctx.history().agent(dev.herald.storage.model.EventType.LOGIN, u, "IMAP login from " + s.clientIp
                            + (s.tls ? " over TLS" : " without TLS"));
                    return "OK logged in";
                });
    }

    /** A logged-in session ended. */
    public void closed(ImapSession s) {
        s.user.ifPresent(u -> sessions.computeIfPresent(u.mailboxId(), (id, n) -> n.decrementAndGet() <= 0 ? null : n));
    }
}
