package dev.herald.server.imap.handlers;

import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.ImapWriter;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.mime.FetchRenderer;
import dev.herald.server.imap.mime.MimeIndex;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.storage.mail.MailStore;
import dev.herald.storage.mail.StoredMessage;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** FETCH and UID FETCH (RFC 3501 6.4.5), with CONDSTORE's MODSEQ/CHANGEDSINCE and OBJECTID's EMAILID/THREADID. */
public final class FetchHandler implements ImapHandler {
    private static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
    private static final Pattern ITEM = Pattern.compile("([A-Z0-9.]+)(?:\\[(.*)\\])?(?:<(\\d+)(?:\\.(\\d+))?>)?", Pattern.DOTALL);

    private record Item(String name, String section, long origin, long length) {
    }

    @Override
    public Set<String> commands() {
        return Set.of("FETCH");
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("OBJECTID");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        return fetch(ctx, s, c, out, false);
    }

    CompletableFuture<String> fetch(ImapContext ctx, ImapSession s, ImapCommand c, Responder out, boolean uid) throws ImapParseException {
        c.arity(2, 3);
        var items = items(c.arg(1));
        long changedSince = -1;
        if (c.args().size() == 3) {
            if (!(c.arg(2) instanceof Tok.ListTok mods) || mods.items().size() != 2
                    || !"CHANGEDSINCE".equalsIgnoreCase(Tok.text(mods.items().get(0)))) {
                throw new ImapParseException("unknown FETCH modifier");
            }
            changedSince = parseLong(Tok.text(mods.items().get(1)));
            s.condstore = true;
        }
        if (uid && items.stream().noneMatch(i -> i.name().equals("UID"))) {
            items.add(0, new Item("UID", null, -1, -1));
        }
        if (s.condstore && changedSince >= 0 && items.stream().noneMatch(i -> i.name().equals("MODSEQ"))) {
            items.add(new Item("MODSEQ", null, -1, -1));
        }
        for (var sel : Selection.of(s.selected, c.string(0), uid)) {
            if (changedSince >= 0 && sel.message().modseq() <= changedSince) {
                continue;
            }
            out.raw(render(ctx, s, sel.seq(), sel.message(), items));
        }
        return ImapHandler.done("OK " + (uid ? "UID " : "") + "FETCH completed");
    }

    private static long parseLong(String s) throws ImapParseException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ImapParseException("expected a number, got '" + s + "'");
        }
    }

    private static List<Item> items(Tok spec) throws ImapParseException {
        var raw = new ArrayList<String>();
        if (spec instanceof Tok.ListTok list) {
            for (var t : list.items()) {
                raw.add(Tok.text(t));
            }
        } else {
            raw.add(Tok.text(spec));
        }
        var out = new ArrayList<Item>();
        for (var r : raw) {
            if (r == null) {
                throw new ImapParseException("invalid FETCH item");
            }
            var upper = r.toUpperCase(Locale.ROOT);
            switch (upper) {
                case "ALL" -> out.addAll(List.of(simple("FLAGS"), simple("INTERNALDATE"), simple("RFC822.SIZE"), simple("ENVELOPE")));
                case "FAST" -> out.addAll(List.of(simple("FLAGS"), simple("INTERNALDATE"), simple("RFC822.SIZE")));
                case "FULL" -> out.addAll(List.of(simple("FLAGS"), simple("INTERNALDATE"), simple("RFC822.SIZE"), simple("ENVELOPE"),
                        simple("BODY")));
                default -> {
                    var m = ITEM.matcher(r);
                    if (!m.matches()) {
                        throw new ImapParseException("invalid FETCH item '" + r + "'");
                    }
                    var name = m.group(1).toUpperCase(Locale.ROOT);
                    if (!Set.of("FLAGS", "UID", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "BODY", "BODY.PEEK", "RFC822",
                            "RFC822.HEADER", "RFC822.TEXT", "MODSEQ", "EMAILID", "THREADID").contains(name)
                            || (m.group(2) == null && name.equals("BODY.PEEK"))) {
                        throw new ImapParseException("unknown FETCH item '" + r + "'");
                    }
                    out.add(new Item(name, m.group(2), m.group(3) == null ? -1 : Long.parseLong(m.group(3)),
                            m.group(4) == null ? -1 : Long.parseLong(m.group(4))));
                }
            }
        }
        return out;
    }

    private static Item simple(String name) {
        return new Item(name, null, -1, -1);
    }

    private byte[] render(ImapContext ctx, ImapSession s, long seq, StoredMessage m, List<Item> items) {
        boolean needsBody = items.stream().anyMatch(i -> !Set.of("FLAGS", "UID", "INTERNALDATE", "RFC822.SIZE", "MODSEQ", "EMAILID", "THREADID")
                .contains(i.name()));
        byte[] raw = needsBody ? ctx.spool().read(m.blob()) : null;
        var index = needsBody ? MimeIndex.parse(raw) : null;
        boolean setsSeen = items.stream().anyMatch(i -> (i.name().equals("BODY") && i.section() != null) || i.name().equals("RFC822")
                || i.name().equals("RFC822.TEXT"));
        var message = m;
        boolean flagsChanged = false;
        if (setsSeen && !s.selected.readOnly && !m.flags().contains("\\Seen")) {
            // Added to the flags stored now, not to this session's copy: another session's change is kept.
            var update = ctx.stores().mail().updateFlags(m.folderId(), m.uid(), MailStore.FlagOp.ADD, Set.of("\\Seen"), -1);
            if (update.result() == MailStore.FlagUpdate.Result.CHANGED || update.result() == MailStore.FlagUpdate.Result.UNCHANGED) {
                message = m.withFlags(update.flags(), update.modseq());
                s.selected.replace(message);
                flagsChanged = true;
                if (update.result() == MailStore.FlagUpdate.Result.CHANGED) {
                    ctx.events().changed(s.mailboxId());
                }
            }
        }
        var w = new ImapWriter().raw("* " + seq + " FETCH (");
        boolean first = true;
        var names = new java.util.HashSet<String>();
        for (var item : items) {
            var key = item.name() + "[" + item.section() + "]";
            if (!names.add(key)) {
                continue;
            }
            if (!first) {
                w.sp();
            }
            first = false;
            item(w, raw, index, message, item);
        }
        if (flagsChanged && items.stream().noneMatch(i -> i.name().equals("FLAGS"))) {
            w.sp().raw("FLAGS ").flags(message.flags());
        }
        return w.raw(")").crlf().bytes();
    }

    private static void item(ImapWriter w, byte[] raw, dev.herald.server.imap.mime.MimePart index, StoredMessage m, Item item) {
        switch (item.name()) {
            case "FLAGS" -> w.raw("FLAGS ").flags(m.flags());
            case "UID" -> w.raw("UID ").number(m.uid());
            case "INTERNALDATE" -> w.raw("INTERNALDATE \"" + INTERNALDATE.format(m.internalDate().atOffset(ZoneOffset.UTC)) + "\"");
            case "RFC822.SIZE" -> w.raw("RFC822.SIZE ").number(m.blob().length());
            case "MODSEQ" -> w.raw("MODSEQ (" + m.modseq() + ")");
            case "EMAILID" -> w.raw("EMAILID (M" + Long.toHexString(m.emailId()) + ")");
            case "THREADID" -> w.raw("THREADID (T" + Long.toHexString(m.threadId()) + ")");
            case "ENVELOPE" -> {
                w.raw("ENVELOPE ");
                FetchRenderer.envelope(w, raw, index);
            }
            case "BODYSTRUCTURE" -> {
                w.raw("BODYSTRUCTURE ");
                FetchRenderer.structure(w, raw, index, true);
            }
            case "RFC822" -> w.raw("RFC822 ").literal(raw);
            case "RFC822.HEADER" -> w.raw("RFC822.HEADER ").literal(FetchRenderer.section(raw, index, "HEADER"));
            case "RFC822.TEXT" -> w.raw("RFC822.TEXT ").literal(FetchRenderer.section(raw, index, "TEXT"));
            default -> { // BODY, BODY[...], BODY.PEEK[...]
                if (item.section() == null) {
                    w.raw("BODY ");
                    FetchRenderer.structure(w, raw, index, false);
                    return;
                }
                var bytes = FetchRenderer.section(raw, index, item.section());
                w.raw("BODY[" + item.section().toUpperCase(Locale.ROOT) + "]");
                if (item.origin() >= 0) {
                    w.raw("<" + item.origin() + ">");
                    int from = (int) Math.min(bytes.length, item.origin());
                    int to = item.length() < 0 ? bytes.length : (int) Math.min(bytes.length, from + item.length());
                    bytes = java.util.Arrays.copyOfRange(bytes, from, to);
                }
                w.sp().literal(bytes);
            }
        }
    }
}
