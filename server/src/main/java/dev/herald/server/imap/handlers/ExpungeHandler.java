package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** EXPUNGE, and UID EXPUNGE (UIDPLUS) when reached through UID. The EXPUNGE responses come from the refresh after it. */
public final class ExpungeHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("EXPUNGE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        return expunge(ctx, s, null);
    }

    CompletableFuture<String> expunge(ImapContext ctx, ImapSession s, String uidSet) throws ImapParseException {
        var sel = s.selected;
        if (sel.readOnly) {
            return ImapHandler.done("NO [READ-ONLY] the folder is read-only");
        }
        var candidates = uidSet == null ? sel.messages() : Selection.of(sel, uidSet, true).stream().map(Selection::message).toList();
        var uids = candidates.stream().filter(m -> m.flags().contains("\\Deleted")).map(m -> m.uid()).toList();
        ctx.stores().mail().expunge(sel.folder.id(), uids);
        if (!uids.isEmpty()) {
            ctx.events().changed(s.mailboxId());
            ctx.history().agent(dev.herald.storage.model.EventType.DELETED, s.user.orElseThrow(),
                    "IMAP EXPUNGE of " + uids.size() + " message(s) in " + sel.folder.name() + " from " + s.clientIp);
        }
        return ImapHandler.done("OK EXPUNGE completed");
    }
}
