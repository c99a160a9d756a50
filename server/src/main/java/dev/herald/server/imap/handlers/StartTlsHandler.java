package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.session.ImapSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** STARTTLS (RFC 3501 6.2.1); the connection handler starts the handshake after the OK. */
public final class StartTlsHandler implements ImapHandler {
    public static final String BEGIN = "OK Begin TLS negotiation now";

    @Override
    public Set<String> commands() {
        return Set.of("STARTTLS");
    }

    @Override
    public Set<ImapSession.State> states() {
        return NOT_AUTHENTICATED;
    }

    @Override
    public List<String> capabilities() {
        return List.of(); // advertised per session, only before TLS
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) {
        if (s.tls) {
            return ImapHandler.done("BAD TLS is already active");
        }
        if (ctx.tls().isEmpty()) {
            return ImapHandler.done("NO TLS is not available");
        }
        return ImapHandler.done(BEGIN);
    }
}
