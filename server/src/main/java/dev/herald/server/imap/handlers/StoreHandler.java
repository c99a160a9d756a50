package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.storage.mail.StoredMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** STORE and UID STORE: FLAGS, +FLAGS, -FLAGS (.SILENT), with CONDSTORE's UNCHANGEDSINCE and MODSEQ. */
public final class StoreHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("STORE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        return store(ctx, s, c, out, false);
    }

    CompletableFuture<String> store(ImapContext ctx, ImapSession s, ImapCommand c, Responder out, boolean uid) throws ImapParseException {
        c.arity(3, 4);
        if (s.selected.readOnly) {
            return ImapHandler.done("NO [READ-ONLY] the folder is read-only");
        }
        int at = 1;
        long unchangedSince = -1;
        if (c.arg(1) instanceof Tok.ListTok mods) {
            if (mods.items().size() != 2 || !"UNCHANGEDSINCE".equalsIgnoreCase(Tok.text(mods.items().get(0)))) {
                throw new ImapParseException("unknown STORE modifier");
            }
            unchangedSince = Long.parseLong(Tok.text(mods.items().get(1)));
            s.condstore = true;
            at = 2;
        }
        var op = c.string(at).toUpperCase(Locale.ROOT);
        boolean silent = op.endsWith(".SILENT");
        op = silent ? op.substring(0, op.length() - 7) : op;
        if (!Set.of("FLAGS", "+FLAGS", "-FLAGS").contains(op)) {
            throw new ImapParseException("STORE needs FLAGS, +FLAGS or -FLAGS");
        }
        var given = new ArrayList<String>();
        var arg = c.arg(at + 1);
        if (arg instanceof Tok.ListTok list) {
            for (var f : list.items()) {
                given.add(canonical(Tok.text(f)));
            }
        } else {
            given.add(canonical(Tok.text(arg)));
        }
        given.remove("\\Recent");
        var failed = new ArrayList<Long>();
        boolean changed = false;
        for (var sel : Selection.of(s.selected, c.string(0), uid)) {
            var m = sel.message();
            if (unchangedSince >= 0 && m.modseq() > unchangedSince) {
                failed.add(uid ? m.uid() : sel.seq());
                continue;
            }
            var flags = new LinkedHashSet<>(m.flags());
            switch (op) {
                case "FLAGS" -> {
                    flags.clear();
                    flags.addAll(given);
                }
                case "+FLAGS" -> flags.addAll(given);
                default -> flags.removeAll(given);
            }
            var current = m;
            if (!flags.equals(m.flags())) {
                var modseq = ctx.stores().mail().setFlags(m.folderId(), m.uid(), flags);
                if (modseq.isEmpty()) {
                    continue; // expunged by another session meanwhile
                }
                current = new StoredMessage(m.id(), m.mailboxId(), m.folderId(), m.uid(), modseq.getAsLong(), flags, m.internalDate(),
                        m.blob(), m.source(), m.headers(), m.threadId(), m.parentId());
                s.selected.replace(current);
                changed = true;
            }
            if (!silent || (s.condstore && unchangedSince >= 0)) {
                out.untagged(sel.seq() + " FETCH (" + (uid ? "UID " + current.uid() + " " : "") + "FLAGS (" + String.join(" ", flags) + ")"
                        + (s.condstore ? " MODSEQ (" + current.modseq() + ")" : "") + ")");
            }
        }
        if (changed) {
            ctx.events().changed(s.mailboxId());
        }
        if (!failed.isEmpty()) {
            return ImapHandler.done("OK [MODIFIED " + String.join(",", failed.stream().map(String::valueOf).toList()) + "] conditional STORE failed");
        }
        return ImapHandler.done("OK " + (uid ? "UID " : "") + "STORE completed");
    }

    /** System flags in their canonical case; keywords as given. */
    static String canonical(String flag) {
        if (flag == null) {
            return "";
        }
        for (var f : List.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Recent")) {
            if (f.equalsIgnoreCase(flag)) {
                return f;
            }
        }
        return flag;
    }
}
