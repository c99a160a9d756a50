package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.storage.mail.Folder;
import java.util.Optional;

/**
 * Folder names as IMAP sees them: INBOX is case-insensitive, "/" separates levels, and a name is
 * only ever looked up among the logged-in mailbox's own folders — there is no path to escape to.
 */
final class Folders {
    private Folders() {
    }

    static String normalize(String name) {
        return name.equalsIgnoreCase("INBOX") ? Folder.INBOX : name;
    }

    static Optional<Folder> find(ImapContext ctx, ImapSession s, String name) {
        return ctx.stores().mail().folder(s.mailboxId(), normalize(name));
    }

    /** Why a name cannot be created, or null when it can. */
    static String invalid(String name) {
        if (name.isEmpty() || name.length() > 255) {
            return "folder names are 1 to 255 characters";
        }
        if (name.startsWith("/") || name.endsWith("/") || name.contains("//")) {
            return "folder names cannot start or end with '/' or have an empty level";
        }
        for (var level : name.split("/")) {
            if (level.equals(".") || level.equals("..")) {
                return "'.' and '..' are not folder names";
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x20 || ch == 0x7f || ch == '*' || ch == '%') {
                return "folder names cannot hold control characters, '*' or '%'";
            }
        }
        return null;
    }
}
