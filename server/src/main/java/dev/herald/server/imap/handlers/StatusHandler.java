package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.ImapWriter;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.session.ImapSession;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** STATUS: MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ, SIZE. */
public final class StatusHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("STATUS");
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        c.arity(2, 2);
        var name = c.string(0);
        if (!(c.arg(1) instanceof Tok.ListTok items)) {
            throw new ImapParseException("STATUS needs a list of items");
        }
        var folder = Folders.find(ctx, s, name);
        if (folder.isEmpty()) {
            return ImapHandler.done("NO [NONEXISTENT] no folder named " + name);
        }
        var f = folder.get();
        var messages = ctx.snapshots().current(f.id()).map(x -> x.messages()).orElse(java.util.List.of());
        var parts = new ArrayList<String>();
        for (var item : items.items()) {
            var key = String.valueOf(Tok.text(item)).toUpperCase(Locale.ROOT);
            switch (key) {
                case "MESSAGES" -> parts.add("MESSAGES " + messages.size());
                case "RECENT" -> parts.add("RECENT 0");
                case "UIDNEXT" -> parts.add("UIDNEXT " + f.uidNext());
                case "UIDVALIDITY" -> parts.add("UIDVALIDITY " + f.uidValidity());
                case "UNSEEN" -> parts.add("UNSEEN " + messages.stream().filter(m -> !m.flags().contains("\\Seen")).count());
                case "HIGHESTMODSEQ" -> parts.add("HIGHESTMODSEQ " + Math.max(1, f.highestModseq()));
                case "SIZE" -> parts.add("SIZE " + messages.stream().mapToLong(m -> m.blob().length()).sum());
                default -> throw new ImapParseException("unknown STATUS item " + key);
            }
        }
        out.raw(new ImapWriter().raw("* STATUS ").string(f.name()).raw(" (" + String.join(" ", parts) + ")").crlf().bytes());
        return ImapHandler.done("OK STATUS completed");
    }
}
