package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.ImapParser;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.mime.MimeIndex;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.server.imap.session.SequenceSet;
import dev.herald.storage.mail.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** SEARCH and UID SEARCH with every RFC 3501 key, plus MODSEQ (CONDSTORE) and EMAILID/THREADID (OBJECTID). */
public final class SearchHandler implements ImapHandler {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ROOT);

    /** A message under test: its sequence number, its row, and its raw bytes read only when a key needs them. */
    private static final class Candidate {
        final long seq;
        final StoredMessage m;
        private final ImapContext ctx;
        private byte[] raw;

        Candidate(long seq, StoredMessage m, ImapContext ctx) {
            this.seq = seq;
            this.m = m;
            this.ctx = ctx;
        }

        byte[] raw() {
            if (raw == null) {
                raw = ctx.spool().read(m.blob());
            }
            return raw;
        }
    }

    private static final class Keys {
        private final List<Tok> args;
        private int i;
        private final long largestSeq;
        private final long largestUid;
        private final int depth;

        Keys(List<Tok> args, int start, long largestSeq, long largestUid) {
            this(args, start, largestSeq, largestUid, 0);
        }

        private Keys(List<Tok> args, int start, long largestSeq, long largestUid, int depth) {
            this.depth = depth;
            this.args = args;
            this.i = start;
            this.largestSeq = largestSeq;
            this.largestUid = largestUid;
        }

        boolean more() {
            return i < args.size();
        }

        String next(String key) throws ImapParseException {
            if (i >= args.size()) {
                throw new ImapParseException("SEARCH " + key + " needs an argument");
            }
            var t = Tok.text(args.get(i++));
            if (t == null) {
                throw new ImapParseException("SEARCH " + key + " needs a string");
            }
            return t;
        }

        /** Every key must match; a flat array, not a chain of and()s, so thousands of keys cost no stack. */
        Predicate<Candidate> all() throws ImapParseException {
            var keys = new ArrayList<Predicate<Candidate>>();
            while (more()) {
                keys.add(key());
            }
            if (keys.size() == 1) {
                return keys.get(0);
            }
            @SuppressWarnings("unchecked")
            Predicate<Candidate>[] each = keys.toArray(new Predicate[0]);
            return c -> {
                for (var k : each) {
                    if (!k.test(c)) {
                        return false;
                    }
                }
                return true;
            };
        }

        Predicate<Candidate> key() throws ImapParseException {
            return key(depth);
        }

        /** One key at nesting {@code level} (lists, NOT and OR each go one deeper): bounded, so a deep key is BAD, not a stack overflow. */
        private Predicate<Candidate> key(int level) throws ImapParseException {
            if (level > ImapParser.MAX_DEPTH) {
                throw new ImapParseException("SEARCH keys nested deeper than " + ImapParser.MAX_DEPTH + " levels");
            }
            if (!more()) {
                throw new ImapParseException("SEARCH key missing");
            }
            var tok = args.get(i++);
            if (tok instanceof Tok.ListTok list) {
                var inner = new Keys(list.items(), 0, largestSeq, largestUid, level + 1);
                return inner.all();
            }
            var k = String.valueOf(Tok.text(tok)).toUpperCase(Locale.ROOT);
            if (!k.isEmpty() && (Character.isDigit(k.charAt(0)) || k.charAt(0) == '*')) {
                var set = SequenceSet.parse(k);
                return c -> set.contains(c.seq, largestSeq);
            }
            switch (k) {
                case "ALL": return c -> true;
                case "ANSWERED": return flag("\\Answered");
                case "UNANSWERED": return flag("\\Answered").negate();
                case "DELETED": return flag("\\Deleted");
                case "UNDELETED": return flag("\\Deleted").negate();
                case "DRAFT": return flag("\\Draft");
                case "UNDRAFT": return flag("\\Draft").negate();
                case "FLAGGED": return flag("\\Flagged");
                case "UNFLAGGED": return flag("\\Flagged").negate();
                case "SEEN": return flag("\\Seen");
                case "UNSEEN": return flag("\\Seen").negate();
                case "RECENT", "NEW": return c -> false; // no session sees messages as recent
                case "OLD": return c -> true;
                case "KEYWORD": { var f = next(k); return c -> c.m.flags().stream().anyMatch(x -> x.equalsIgnoreCase(f)); }
                case "UNKEYWORD": { var f = next(k); return c -> c.m.flags().stream().noneMatch(x -> x.equalsIgnoreCase(f)); }
                case "FROM": return contains(next(k), c -> c.m.headers().from().orElse(""));
                case "TO": return contains(next(k), c -> c.m.headers().to().orElse(""));
                case "CC": return contains(next(k), c -> c.m.headers().cc().orElse(""));
                case "BCC": return header("Bcc", next(k));
                case "SUBJECT": return contains(next(k), c -> c.m.headers().subject().orElse(""));
                case "HEADER": { var name = next(k); return header(name, next(k)); }
                case "BODY": { var s = next(k).toLowerCase(Locale.ROOT); return c -> body(c).contains(s); }
                case "TEXT": { var s = next(k).toLowerCase(Locale.ROOT); return c -> new String(c.raw(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(s); }
                case "BEFORE": { var d = date(next(k)); return c -> day(c.m.internalDate()).isBefore(d); }
                case "ON": { var d = date(next(k)); return c -> day(c.m.internalDate()).isEqual(d); }
                case "SINCE": { var d = date(next(k)); return c -> !day(c.m.internalDate()).isBefore(d); }
                case "SENTBEFORE": { var d = date(next(k)); return c -> c.m.headers().date().map(x -> day(x).isBefore(d)).orElse(false); }
                case "SENTON": { var d = date(next(k)); return c -> c.m.headers().date().map(x -> day(x).isEqual(d)).orElse(false); }
                case "SENTSINCE": { var d = date(next(k)); return c -> c.m.headers().date().map(x -> !day(x).isBefore(d)).orElse(false); }
                case "LARGER": { long n = number(next(k)); return c -> c.m.blob().length() > n; }
                case "SMALLER": { long n = number(next(k)); return c -> c.m.blob().length() < n; }
                case "UID": { var set = SequenceSet.parse(next(k)); return c -> set.contains(c.m.uid(), largestUid); }
                case "NOT": return key(level + 1).negate();
                case "OR": { var a = key(level + 1); var b = key(level + 1); return a.or(b); }
                case "MODSEQ": { long n = number(next(k)); return c -> c.m.modseq() >= n; }
                case "EMAILID": { var id = next(k); return c -> ("M" + Long.toHexString(c.m.emailId())).equals(id); }
                case "THREADID": { var id = next(k); return c -> ("T" + Long.toHexString(c.m.threadId())).equals(id); }
                default: throw new ImapParseException("unknown SEARCH key " + k);
            }
        }
    }

    @Override
    public Set<String> commands() {
        return Set.of("SEARCH");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        return search(ctx, s, c, out, false);
    }

    CompletableFuture<String> search(ImapContext ctx, ImapSession s, ImapCommand c, Responder out, boolean uid) throws ImapParseException {
        int start = 0;
        if (!c.args().isEmpty() && "CHARSET".equalsIgnoreCase(Tok.text(c.args().get(0)))) {
            var charset = c.string(1).toUpperCase(Locale.ROOT);
            if (!charset.equals("UTF-8") && !charset.equals("US-ASCII")) {
                return ImapHandler.done("NO [BADCHARSET (UTF-8 US-ASCII)] unsupported charset " + charset);
            }
            start = 2;
        }
        if (start >= c.args().size()) {
            throw new ImapParseException("SEARCH needs at least one key");
        }
        var hits = new ArrayList<String>();
        long highest = 0;
        for (var sel : matching(ctx, s, c.args(), start)) {
            hits.add(String.valueOf(uid ? sel.message().uid() : sel.seq()));
            highest = Math.max(highest, sel.message().modseq());
        }
        boolean modseqKey = c.args().stream().anyMatch(t -> "MODSEQ".equalsIgnoreCase(Tok.text(t)));
        out.untagged("SEARCH" + (hits.isEmpty() ? "" : " " + String.join(" ", hits))
                + (modseqKey && !hits.isEmpty() ? " (MODSEQ " + highest + ")" : ""));
        return ImapHandler.done("OK " + (uid ? "UID " : "") + "SEARCH completed");
    }

    /** The selected folder's messages that match the search keys in {@code args} from {@code start} on. */
    static List<Selection> matching(ImapContext ctx, ImapSession s, List<Tok> args, int start) throws ImapParseException {
        var sel = s.selected;
        var predicate = new Keys(args, start, sel.exists(), sel.largestUid()).all();
        var out = new ArrayList<Selection>();
        var messages = sel.messages();
        for (int n = 0; n < messages.size(); n++) {
            var cand = new Candidate(n + 1, messages.get(n), ctx);
            if (predicate.test(cand)) {
                out.add(new Selection(cand.seq, cand.m));
            }
        }
        return out;
    }

    /** Checks a CHARSET argument of SEARCH, SORT or THREAD; null when acceptable, else the NO to answer. */
    static String badCharset(String charset) {
        var c = charset.toUpperCase(Locale.ROOT);
        return c.equals("UTF-8") || c.equals("US-ASCII") ? null : "NO [BADCHARSET (UTF-8 US-ASCII)] unsupported charset " + charset;
    }

    private static Predicate<Candidate> flag(String flag) {
        return c -> c.m.flags().contains(flag);
    }

    private static Predicate<Candidate> contains(String needle, java.util.function.Function<Candidate, String> field) {
        var n = needle.toLowerCase(Locale.ROOT);
        return c -> field.apply(c).toLowerCase(Locale.ROOT).contains(n);
    }

    private static Predicate<Candidate> header(String name, String needle) {
        var n = needle.toLowerCase(Locale.ROOT);
        return c -> {
            var raw = c.raw();
            var index = MimeIndex.parse(raw);
            var header = new String(raw, index.headerStart(), index.bodyStart() - index.headerStart(), StandardCharsets.UTF_8);
            var prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (var line : header.replaceAll("\r?\n[ \t]+", " ").split("\r?\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix) && line.substring(prefix.length()).toLowerCase(Locale.ROOT).contains(n)) {
                    return true;
                }
            }
            return false;
        };
    }

    private static String body(Candidate c) {
        var raw = c.raw();
        var index = MimeIndex.parse(raw);
        return new String(raw, index.bodyStart(), raw.length - index.bodyStart(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }

    private static LocalDate date(String s) throws ImapParseException {
        try {
            return LocalDate.parse(s.replace("\"", ""), DATE);
        } catch (DateTimeParseException e) {
            throw new ImapParseException("invalid date '" + s + "' (expected d-Mon-yyyy)");
        }
    }

    private static LocalDate day(java.time.Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    private static long number(String s) throws ImapParseException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ImapParseException("expected a number, got '" + s + "'");
        }
    }
}
