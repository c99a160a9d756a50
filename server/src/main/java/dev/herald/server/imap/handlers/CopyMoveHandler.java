package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** COPY and MOVE (RFC 6851), plain and UID, answering COPYUID (UIDPLUS). Only within the logged-in mailbox. */
public final class CopyMoveHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("COPY", "MOVE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("MOVE");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        return copy(ctx, s, c, out, false);
    }

    CompletableFuture<String> copy(ImapContext ctx, ImapSession s, ImapCommand c, Responder out, boolean uid) throws ImapParseException {
        c.arity(2, 2);
        boolean move = c.name().equals("MOVE");
        if (move && s.selected.readOnly) {
            return ImapHandler.done("NO [READ-ONLY] the folder is read-only");
        }
        var target = Folders.find(ctx, s, c.string(1));
        if (target.isEmpty()) {
            return ImapHandler.done("NO [TRYCREATE] no folder named " + c.string(1));
        }
        var selection = Selection.of(s.selected, c.string(0), uid);
        var from = new ArrayList<String>();
        var to = new ArrayList<String>();
        var moved = new ArrayList<Long>();
        for (var sel : selection) {
            var copy = ctx.stores().mail().copy(sel.message(), target.get().id());
            if (copy.isEmpty()) {
                // Expunged by another session, or the target folder deleted meanwhile: nothing is brought back.
                if (ctx.stores().mail().folderById(target.get().id()).isEmpty()) {
                    return ImapHandler.done("NO [TRYCREATE] folder " + c.string(1) + " no longer exists");
                }
                continue;
            }
            from.add(String.valueOf(sel.message().uid()));
            to.add(String.valueOf(copy.get().uid()));
            moved.add(sel.message().uid());
        }
        if (selection.isEmpty()) {
            return ImapHandler.done("OK " + c.name() + " completed (nothing matched)");
        }
        if (from.isEmpty()) {
            return ImapHandler.done("NO [EXPUNGEISSUED] the messages were expunged by another session");
        }
        var code = "[COPYUID " + target.get().uidValidity() + " " + String.join(",", from) + " " + String.join(",", to) + "]";
        if (move) {
            out.untagged("OK " + code + " moved");
            ctx.stores().mail().expunge(s.selected.folder.id(), moved);
            ctx.events().changed(s.mailboxId());
            ctx.history().agent(dev.herald.storage.model.EventType.DELETED, s.user.orElseThrow(), "IMAP MOVE of " + moved.size()
                    + " message(s) from " + s.selected.folder.name() + " to " + target.get().name() + " from " + s.clientIp);
            return ImapHandler.done("OK MOVE completed");
        }
        ctx.events().changed(s.mailboxId());
        return ImapHandler.done("OK " + code + " COPY completed");
    }
}
