package dev.herald.server.imap.handlers;

import dev.herald.server.delivery.Subjects;
import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.session.ImapSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** SORT and UID SORT (RFC 5256): ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, each optionally REVERSE. */
public final class SortHandler implements ImapHandler {
    @Override
    public Set<String> commands() {
        return Set.of("SORT");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("SORT");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        return sort(ctx, s, c, out, false);
    }

    CompletableFuture<String> sort(ImapContext ctx, ImapSession s, ImapCommand c, Responder out, boolean uid) throws ImapParseException {
        if (c.args().size() < 3 || !(c.arg(0) instanceof Tok.ListTok criteria) || criteria.items().isEmpty()) {
            throw new ImapParseException("SORT needs (criteria), a charset and search criteria");
        }
        var charset = SearchHandler.badCharset(c.string(1));
        if (charset != null) {
            return ImapHandler.done(charset);
        }
        Comparator<Selection> order = null;
        boolean reverse = false;
        for (var t : criteria.items()) {
            var key = String.valueOf(Tok.text(t)).toUpperCase(Locale.ROOT);
            if (key.equals("REVERSE")) {
                reverse = true;
                continue;
            }
            Comparator<Selection> next = switch (key) {
                case "ARRIVAL" -> Comparator.comparing(x -> x.message().internalDate());
                case "DATE" -> Comparator.comparing(x -> x.message().headers().date().orElse(x.message().internalDate()));
                case "SIZE" -> Comparator.comparingLong(x -> x.message().blob().length());
                case "SUBJECT" -> Comparator.comparing(x -> Subjects.base(x.message().headers().subject().orElse("")).subject());
                case "FROM" -> Comparator.comparing(x -> mailbox(x.message().headers().from().orElse("")));
                case "TO" -> Comparator.comparing(x -> mailbox(x.message().headers().to().orElse("")));
                case "CC" -> Comparator.comparing(x -> mailbox(x.message().headers().cc().orElse("")));
                default -> throw new ImapParseException("unknown SORT criterion " + key);
            };
            if (reverse) {
                next = next.reversed();
                reverse = false;
            }
            order = order == null ? next : order.thenComparing(next);
        }
        if (order == null) {
            throw new ImapParseException("SORT needs a criterion besides REVERSE");
        }
        var matches = new ArrayList<>(SearchHandler.matching(ctx, s, c.args(), 2));
        matches.sort(order.thenComparingLong(Selection::seq));
        out.untagged("SORT" + (matches.isEmpty() ? "" : " " + String.join(" ",
                matches.stream().map(x -> String.valueOf(uid ? x.message().uid() : x.seq())).toList())));
        return ImapHandler.done("OK " + (uid ? "UID " : "") + "SORT completed");
    }

    /** The addr-mailbox of the first address (RFC 5256: sort FROM/TO/CC by the local part), lowercased. */
    private static String mailbox(String header) {
        var s = header.toLowerCase(Locale.ROOT);
        int lt = s.indexOf('<');
        var addr = lt >= 0 ? s.substring(lt + 1) : s;
        int at = addr.indexOf('@');
        return (at >= 0 ? addr.substring(0, at) : addr).trim();
    }
}
