package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.storage.DuplicateException;
import dev.herald.storage.mail.Folder;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE. Special-use folders can be neither deleted nor renamed. */
public final class FolderCommands implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE");
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        var mail = ctx.stores().mail();
        switch (c.name()) {
            case "CREATE" -> {
                c.arity(1, 1);
                var name = Folders.normalize(stripTrailingDelimiter(c.string(0)));
                var why = Folders.invalid(name);
                if (why != null) {
                    return ImapHandler.done("NO [CANNOT] " + why);
                }
                try {
                    mail.createFolder(s.mailboxId(), name);
                } catch (DuplicateException e) {
                    return ImapHandler.done("NO [ALREADYEXISTS] " + name + " already exists");
                }
                return ImapHandler.done("OK CREATE completed");
            }
            case "DELETE" -> {
                c.arity(1, 1);
                var folder = Folders.find(ctx, s, c.string(0));
                if (folder.isEmpty()) {
                    return ImapHandler.done("NO [NONEXISTENT] no such folder");
                }
                if (folder.get().specialUse().isPresent() || folder.get().name().equals(Folder.INBOX)) {
                    return ImapHandler.done("NO [CANNOT] special-use folders cannot be deleted");
                }
                if (s.selected != null && s.selected.folder.id() == folder.get().id()) {
                    s.selected = null;
                    s.state = ImapSession.State.AUTHENTICATED;
                }
                mail.deleteFolder(folder.get().id());
                ctx.snapshots().forget(folder.get().id());
                ctx.events().changed(s.mailboxId()); // sessions idling in it learn now that it is gone
                return ImapHandler.done("OK DELETE completed");
            }
            case "RENAME" -> {
                c.arity(2, 2);
                var folder = Folders.find(ctx, s, c.string(0));
                if (folder.isEmpty()) {
                    return ImapHandler.done("NO [NONEXISTENT] no such folder");
                }
                if (folder.get().specialUse().isPresent() || folder.get().name().equals(Folder.INBOX)) {
                    return ImapHandler.done("NO [CANNOT] special-use folders cannot be renamed");
                }
                var target = Folders.normalize(stripTrailingDelimiter(c.string(1)));
                var why = Folders.invalid(target);
                if (why != null) {
                    return ImapHandler.done("NO [CANNOT] " + why);
                }
                try {
                    mail.renameFolder(folder.get().id(), target);
                } catch (DuplicateException e) {
                    return ImapHandler.done("NO [ALREADYEXISTS] " + target + " already exists");
                }
                return ImapHandler.done("OK RENAME completed");
            }
            default -> {
                c.arity(1, 1);
                var folder = Folders.find(ctx, s, c.string(0));
                if (folder.isEmpty()) {
                    return ImapHandler.done("NO [NONEXISTENT] no such folder");
                }
                mail.subscribe(folder.get().id(), c.name().equals("SUBSCRIBE"));
                return ImapHandler.done("OK " + c.name() + " completed");
            }
        }
    }

    private static String stripTrailingDelimiter(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }
}
