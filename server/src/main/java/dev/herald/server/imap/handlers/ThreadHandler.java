package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.server.imap.threading.ThreadTree;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** THREAD and UID THREAD (RFC 5256): REFERENCES and ORDEREDSUBJECT over the messages matching the criteria. */
public final class ThreadHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("THREAD");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        return thread(ctx, s, c, out, false);
    }

    CompletableFuture<String> thread(ImapContext ctx, ImapSession s, ImapCommand c, Responder out, boolean uid) throws ImapParseException {
        if (c.args().size() < 3) {
            throw new ImapParseException("THREAD needs an algorithm, a charset and search criteria");
        }
        var algorithm = c.string(0).toUpperCase(Locale.ROOT);
        var charset = SearchHandler.badCharset(c.string(1));
        if (charset != null) {
            return ImapHandler.done(charset);
        }
        var numbered = SearchHandler.matching(ctx, s, c.args(), 2).stream()
                .map(x -> new ThreadTree.Numbered(uid ? x.message().uid() : x.seq(), x.message())).toList();
        var tree = switch (algorithm) {
            case "REFERENCES" -> ThreadTree.references(numbered);
            case "ORDEREDSUBJECT" -> ThreadTree.orderedSubject(numbered);
            default -> throw new ImapParseException("unknown THREAD algorithm " + algorithm);
        };
        out.untagged("THREAD" + (tree.isEmpty() ? "" : " " + tree));
        return ImapHandler.done("OK " + (uid ? "UID " : "") + "THREAD completed");
    }
}
