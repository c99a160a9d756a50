package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.storage.mail.MailStore;
import java.util.ArrayList;
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
        var flagOp = switch (op) {
            case "FLAGS" -> MailStore.FlagOp.REPLACE;
            case "+FLAGS" -> MailStore.FlagOp.ADD;
            default -> MailStore.FlagOp.REMOVE;
        };
        var givenSet = Set.copyOf(given);
        for (var sel : Selection.of(s.selected, c.string(0), uid)) {
            var m = sel.message();
            // Applied in storage against the flags stored now, not this session's copy of them: another
            // session's +FLAGS between our SELECT and this STORE is kept (RFC 3501 6.4.6, RFC 7162 3.1.3).
            var update = ctx.stores().mail().updateFlags(m.folderId(), m.uid(), flagOp, givenSet, unchangedSince);
            switch (update.result()) {
                case GONE -> {
                    continue; // expunged by another session meanwhile
                }
                case MODIFIED -> {
                    failed.add(uid ? m.uid() : sel.seq());
                    s.selected.replace(m.withFlags(update.flags(), update.modseq()));
                    continue;
                }
                case CHANGED -> changed = true;
                case UNCHANGED -> {
                }
            }
            var current = m.withFlags(update.flags(), update.modseq());
            s.selected.replace(current);
            if (!silent || (s.condstore && unchangedSince >= 0)) {
                out.untagged(sel.seq() + " FETCH (" + (uid ? "UID " + current.uid() + " " : "") + "FLAGS (" + String.join(" ", ordered(update.flags()))
                        + ")" + (s.condstore ? " MODSEQ (" + current.modseq() + ")" : "") + ")");
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

    /** System flags first, in RFC order, then keywords in the order stored: the same answer every time. */
    static List<String> ordered(Set<String> flags) {
        var out = new ArrayList<String>();
        for (var f : List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")) {
            if (flags.contains(f)) {
                out.add(f);
            }
        }
        flags.stream().filter(f -> !out.contains(f)).forEach(out::add);
        return out;
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
