package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.session.ImapSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** CLOSE (silently expunges \Deleted when read-write) and UNSELECT (RFC 3691: does not). */
public final class CloseHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("CLOSE", "UNSELECT");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("UNSELECT");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) {
        var sel = s.selected;
        if (c.name().equals("CLOSE") && !sel.readOnly) {
            var deleted = sel.messages().stream().filter(m -> m.flags().contains("\\Deleted")).map(m -> m.uid()).toList();
            ctx.stores().mail().expunge(sel.folder.id(), deleted);
            if (!deleted.isEmpty()) {
                ctx.events().changed(s.mailboxId());
                ctx.history().agent(dev.herald.storage.model.EventType.DELETED, s.user.orElseThrow(),
                        "IMAP CLOSE expunged " + deleted.size() + " message(s) in " + sel.folder.name() + " from " + s.clientIp);
            }
        }
        s.selected = null;
        s.state = ImapSession.State.AUTHENTICATED;
        return ImapHandler.done("OK " + c.name() + " completed");
    }
}
