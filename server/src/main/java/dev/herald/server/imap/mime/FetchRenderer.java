package dev.herald.server.imap.mime;

import dev.herald.server.imap.codec.ImapWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;

/** ENVELOPE, BODYSTRUCTURE and BODY[section] of RFC 3501 7.4.2, from the raw bytes and their MIME index. */
public final class FetchRenderer {
    private FetchRenderer() {
    }

    /** The raw, unfolded value of the first header field {@code name} of an entity, or null. */
    static String header(byte[] raw, MimePart p, String name) {
        var text = new String(raw, p.headerStart(), p.bodyStart() - p.headerStart(), StandardCharsets.ISO_8859_1);
        var lower = name.toLowerCase(Locale.ROOT) + ":";
        String found = null;
        var sb = new StringBuilder();
        for (var line : text.split("\r?\n")) {
            if (found != null) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                    sb.append(' ').append(line.trim());
                    continue;
                }
                break;
            }
            if (line.toLowerCase(Locale.ROOT).startsWith(lower)) {
                found = line;
                sb.append(line.substring(lower.length()).trim());
            }
        }
        return found == null ? null : new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    public static void envelope(ImapWriter w, byte[] raw, MimePart p) {
        var from = header(raw, p, "From");
        var sender = header(raw, p, "Sender");
        var replyTo = header(raw, p, "Reply-To");
        w.raw("(").string(header(raw, p, "Date")).sp().string(header(raw, p, "Subject")).sp();
        addresses(w, from).sp();
        addresses(w, sender != null ? sender : from).sp();
        addresses(w, replyTo != null ? replyTo : from).sp();
        addresses(w, header(raw, p, "To")).sp();
        addresses(w, header(raw, p, "Cc")).sp();
        addresses(w, header(raw, p, "Bcc")).sp();
        w.string(header(raw, p, "In-Reply-To")).sp().string(header(raw, p, "Message-ID")).raw(")");
    }

    private static ImapWriter addresses(ImapWriter w, String value) {
        if (value == null || value.isBlank()) {
            return w.raw("NIL");
        }
        // ENVELOPE carries names as the header has them (encoded words and all), so they are kept
        // out of mime4j's reach while it parses the list, and put back after.
        var words = new ArrayList<String>();
        var m = ENCODED_WORD.matcher(value);
        var protectedValue = new StringBuilder();
        while (m.find()) {
            words.add(m.group());
            m.appendReplacement(protectedValue, "HeraldEncodedWord" + (words.size() - 1) + "X");
        }
        m.appendTail(protectedValue);
        var items = new ArrayList<String[]>();
        for (var a : LenientAddressParser.DEFAULT.parseAddressList(protectedValue.toString())) {
            if (a instanceof Mailbox mb) {
                items.add(mailbox(mb, words));
            } else if (a instanceof Group g) {
                items.add(new String[] {null, null, restore(g.getName(), words), null}); // group start (RFC 3501 7.4.2)
                g.getMailboxes().forEach(mb -> items.add(mailbox(mb, words)));
                items.add(new String[] {null, null, null, null}); // group end
            }
        }
        if (items.isEmpty()) {
            return w.raw("NIL");
        }
        w.raw("(");
        for (var i : items) {
            w.raw("(").string(i[0]).sp().string(i[1]).sp().string(i[2]).sp().string(i[3]).raw(")");
        }
        return w.raw(")");
    }

    private static final java.util.regex.Pattern ENCODED_WORD = java.util.regex.Pattern.compile("=\\?[^?\\s]+\\?[BbQq]\\?[^?\\s]*\\?=");
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("HeraldEncodedWord(\\d+)X");

    private static String[] mailbox(Mailbox m, List<String> words) {
        var name = restore(m.getName(), words);
        if (name != null && !name.chars().allMatch(c -> c < 128)) {
            name = EncoderUtil.encodeEncodedWord(name, EncoderUtil.Usage.TEXT_TOKEN); // raw 8-bit names: RFC 2047 form
        }
        var route = m.getRoute() == null || m.getRoute().isEmpty() ? null : "@" + String.join(",@", m.getRoute());
        return new String[] {name, route, m.getLocalPart(), m.getDomain()};
    }

    private static String restore(String s, List<String> words) {
        if (s == null) {
            return null;
        }
        var m = PLACEHOLDER.matcher(s);
        var out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(words.get(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** BODYSTRUCTURE (extensible) or BODY (basic). */
    public static void structure(ImapWriter w, byte[] raw, MimePart p, boolean extensible) {
        if (p.multipart()) {
            w.raw("(");
            for (var c : p.children()) {
                structure(w, raw, c, extensible);
            }
            w.sp().string(p.subtype().toUpperCase(Locale.ROOT));
            if (extensible) {
                w.sp();
                params(w, p.params());
                w.sp();
                disposition(w, p);
                w.sp().string(p.language()).sp().string(p.location());
            }
            w.raw(")");
            return;
        }
        w.raw("(").string(p.type().toUpperCase(Locale.ROOT)).sp().string(p.subtype().toUpperCase(Locale.ROOT)).sp();
        params(w, p.params());
        w.sp().string(p.id()).sp().string(p.description()).sp().string(p.encoding()).sp().number(p.bodySize());
        if (p.message() != null) {
            w.sp();
            envelope(w, raw, p.message());
            w.sp();
            structure(w, raw, p.message(), extensible);
            w.sp().number(lines(raw, p));
        } else if (p.type().equals("text")) {
            w.sp().number(lines(raw, p));
        }
        if (extensible) {
            w.sp().raw("NIL").sp(); // MD5
            disposition(w, p);
            w.sp().string(p.language()).sp().string(p.location());
        }
        w.raw(")");
    }

    private static void params(ImapWriter w, Map<String, String> params) {
        var shown = new java.util.LinkedHashMap<>(params);
        if (shown.isEmpty()) {
            w.raw("NIL");
            return;
        }
        w.raw("(");
        boolean first = true;
        for (var e : shown.entrySet()) {
            if (!first) {
                w.sp();
            }
            w.string(e.getKey().toUpperCase(Locale.ROOT)).sp().string(e.getValue());
            first = false;
        }
        w.raw(")");
    }

    private static void disposition(ImapWriter w, MimePart p) {
        if (p.disposition() == null) {
            w.raw("NIL");
            return;
        }
        w.raw("(").string(p.disposition().toUpperCase(Locale.ROOT)).sp();
        params(w, p.dispositionParams());
        w.raw(")");
    }

    private static long lines(byte[] raw, MimePart p) {
        long n = 0;
        for (int i = p.bodyStart(); i < p.end(); i++) {
            if (raw[i] == '\n') {
                n++;
            }
        }
        return p.end() > p.bodyStart() && raw[p.end() - 1] != '\n' ? n + 1 : n;
    }

    /**
     * The octets of a section spec (without brackets): "", HEADER, TEXT, HEADER.FIELDS (..),
     * HEADER.FIELDS.NOT (..), and part numbers with .MIME / .HEADER / .TEXT. Null for a part that
     * does not exist (answered with an empty string per RFC 3501).
     */
    public static byte[] section(byte[] raw, MimePart root, String spec) {
        var s = spec.trim();
        var part = root;
        var rest = s;
        while (!rest.isEmpty() && Character.isDigit(rest.charAt(0))) {
            int dot = rest.indexOf('.');
            int n = Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
            rest = dot < 0 ? "" : rest.substring(dot + 1);
            MimePart next;
            if (part.multipart()) {
                next = n >= 1 && n <= part.children().size() ? part.children().get(n - 1) : null;
            } else if (part.message() != null && part != root) {
                var inner = part.message();
                next = inner.multipart() ? (n >= 1 && n <= inner.children().size() ? inner.children().get(n - 1) : null)
                        : (n == 1 ? inner : null);
            } else {
                next = n == 1 ? part : null;
            }
            if (next == null) {
                return new byte[0];
            }
            part = next;
            if (rest.isEmpty()) {
                // BODY[n]: the part's body (for message/rfc822 the whole embedded message)
                return slice(raw, part.bodyStart(), part.end());
            }
        }
        var upper = rest.toUpperCase(Locale.ROOT);
        var target = part != root && part.message() != null && !upper.equals("MIME") ? part.message() : part;
        if (upper.isEmpty()) {
            return slice(raw, target.headerStart(), target.end());
        }
        if (upper.equals("HEADER")) {
            return slice(raw, target.headerStart(), target.bodyStart());
        }
        if (upper.equals("TEXT")) {
            return slice(raw, target.bodyStart(), target.end());
        }
        if (upper.equals("MIME")) {
            return slice(raw, part.headerStart(), part.bodyStart());
        }
        if (upper.startsWith("HEADER.FIELDS")) {
            boolean not = upper.startsWith("HEADER.FIELDS.NOT");
            var names = new ArrayList<String>();
            int open = rest.indexOf('(');
            int close = rest.lastIndexOf(')');
            if (open >= 0 && close > open) {
                for (var n : rest.substring(open + 1, close).trim().split("\\s+")) {
                    names.add(n.replace("\"", "").toLowerCase(Locale.ROOT));
                }
            }
            return headerFields(raw, target, names, not);
        }
        return new byte[0];
    }

    private static byte[] headerFields(byte[] raw, MimePart p, List<String> names, boolean not) {
        var text = new String(raw, p.headerStart(), p.bodyStart() - p.headerStart(), StandardCharsets.ISO_8859_1);
        var out = new StringBuilder();
        boolean keep = false;
        for (var line : text.split("(?<=\n)")) {
            if (line.equals("\r\n") || line.equals("\n")) {
                break;
            }
            if (line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                int colon = line.indexOf(':');
                var name = colon > 0 ? line.substring(0, colon).trim().toLowerCase(Locale.ROOT) : "";
                keep = names.contains(name) != not;
            }
            if (keep) {
                out.append(line);
            }
        }
        out.append("\r\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] slice(byte[] raw, int from, int to) {
        return java.util.Arrays.copyOfRange(raw, from, Math.max(from, to));
    }
}
