package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.server.imap.session.SelectedFolder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** SELECT and EXAMINE (read-only), with the UIDPLUS/CONDSTORE response codes. */
public final class SelectHandler implements ImapHandler {
    static final String FLAGS = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";

    @Override
    public Set<String> commands() {
        return Set.of("SELECT", "EXAMINE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("CONDSTORE");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        var name = c.string(0);
        for (int i = 1; i < c.args().size(); i++) {
            if (c.args().get(i).toString().toUpperCase(java.util.Locale.ROOT).contains("CONDSTORE")) {
                s.condstore = true;
            }
        }
        s.selected = null;
        s.state = ImapSession.State.AUTHENTICATED;
        var folder = Folders.find(ctx, s, name);
        if (folder.isEmpty()) {
            return ImapHandler.done("NO [NONEXISTENT] no folder named " + name);
        }
        var snapshot = ctx.snapshots().current(folder.get().id());
        if (snapshot.isEmpty()) {
            return ImapHandler.done("NO [NONEXISTENT] no folder named " + name);
        }
        var f = ctx.stores().mail().folderById(folder.get().id()).orElse(folder.get());
        var messages = snapshot.get().messages();
        s.selected = new SelectedFolder(f, c.name().equals("EXAMINE"), snapshot.get());
        s.state = ImapSession.State.SELECTED;
        out.untagged("FLAGS " + FLAGS);
        out.untagged("OK [PERMANENTFLAGS " + (s.selected.readOnly ? "()" : "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)") + "] flags");
        out.untagged(messages.size() + " EXISTS");
        out.untagged("0 RECENT");
        for (int i = 0; i < messages.size(); i++) {
            if (!messages.get(i).flags().contains("\\Seen")) {
                out.untagged("OK [UNSEEN " + (i + 1) + "] first unseen");
                break;
            }
        }
        out.untagged("OK [UIDVALIDITY " + f.uidValidity() + "] UIDs valid");
        out.untagged("OK [UIDNEXT " + f.uidNext() + "] predicted next UID");
        out.untagged("OK [HIGHESTMODSEQ " + Math.max(1, f.highestModseq()) + "] highest");
        return ImapHandler.done("OK [" + (s.selected.readOnly ? "READ-ONLY" : "READ-WRITE") + "] " + c.name() + " completed");
    }
}
