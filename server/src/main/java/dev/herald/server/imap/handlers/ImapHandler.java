package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One IMAP command (or a few that are one job). Each handler declares the commands it answers,
 * the states they are valid in and the capabilities it brings: CAPABILITY is computed from the
 * handlers that exist, so nothing untested is advertised.
 */
public interface ImapHandler {
    Set<String> commands();

    Set<ImapSession.State> states();

    default List<String> capabilities() {
        return List.of();
    }

    /**
     * Writes untagged responses to {@code out} and returns the tagged completion without the tag,
     * e.g. "OK SELECT completed" or "NO [TRYCREATE] no such folder".
     */
    CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException;

    Set<ImapSession.State> AUTHENTICATED = Set.of(ImapSession.State.AUTHENTICATED, ImapSession.State.SELECTED);
    Set<ImapSession.State> SELECTED = Set.of(ImapSession.State.SELECTED);
    Set<ImapSession.State> ANY = Set.of(ImapSession.State.NOT_AUTHENTICATED, ImapSession.State.AUTHENTICATED, ImapSession.State.SELECTED);
    Set<ImapSession.State> NOT_AUTHENTICATED = Set.of(ImapSession.State.NOT_AUTHENTICATED);

    static CompletableFuture<String> done(String status) {
        return CompletableFuture.completedFuture(status);
    }
}
