package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.ImapWriter;
import dev.herald.server.imap.session.ImapSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** LIST and LSUB with "*" and "%" wildcards, and SPECIAL-USE attributes (RFC 6154). */
public final class ListHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("LIST", "LSUB");
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("SPECIAL-USE");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        c.arity(2, 2);
        var reference = c.string(0);
        var pattern = c.string(1);
        if (pattern.isEmpty()) {
            out.untagged(c.name() + " (\\Noselect) \"/\" \"\"");
            return ImapHandler.done("OK " + c.name() + " completed");
        }
        var regex = Pattern.compile(glob(reference + pattern), Pattern.CASE_INSENSITIVE);
        var folders = ctx.stores().mail().folders(s.mailboxId());
        var names = folders.stream().map(f -> f.name()).toList();
        for (var f : folders) {
            if (c.name().equals("LSUB") && !f.subscribed()) {
                continue;
            }
            if (!regex.matcher(f.name()).matches()) {
                continue;
            }
            boolean children = names.stream().anyMatch(n -> n.startsWith(f.name() + "/"));
            var attrs = (children ? "\\HasChildren" : "\\HasNoChildren") + f.specialUse().map(u -> " " + u).orElse("");
            out.raw(new ImapWriter().raw("* " + c.name() + " (" + attrs + ") \"/\" ").string(f.name()).crlf().bytes());
        }
        return ImapHandler.done("OK " + c.name() + " completed");
    }

    /** '*' matches anything, '%' anything but the delimiter; INBOX matches case-insensitively (the whole pattern does). */
    static String glob(String pattern) {
        var sb = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            switch (ch) {
                case '*' -> sb.append(".*");
                case '%' -> sb.append("[^/]*");
                default -> sb.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return sb.toString();
    }
}
