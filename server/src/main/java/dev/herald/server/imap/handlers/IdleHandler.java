package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.session.ImapSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * IDLE (RFC 2177): "+ idling", then changes are pushed as they happen (the connection handler
 * refreshes on every mailbox event) until the client sends DONE.
 */
public final class IdleHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("IDLE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("IDLE");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) {
        s.idleTag = c.tag();
        out.continuation("idling");
        return new CompletableFuture<>(); // completed by the connection handler on DONE
    }
}
