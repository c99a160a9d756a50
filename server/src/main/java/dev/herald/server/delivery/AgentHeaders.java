package dev.herald.server.delivery;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Header fields that are instructions to Herald, not part of the mail: X-Herald-Run and
 * X-Herald-Stream. They are read at acceptance, kept in the spool envelope, and removed from the
 * body before it is spooled, so no copy — INBOX, Sent, another tenant's INBOX, the internet — ever
 * carries them. Also removes any other named fields (the agent's own List-Unsubscribe on bulk mail).
 */
public final class AgentHeaders {
    public static final List<String> NAMES = List.of("x-herald-stream", "x-herald-run");

    private AgentHeaders() {
    }

    /** The message without the agent header fields (the same array when it has none). */
    public static byte[] strip(byte[] raw) {
        return strip(raw, NAMES);
    }

    /** The message without the named header fields (lower-case names), folded lines included. */
    public static byte[] strip(byte[] raw, List<String> names) {
        int end = headerEnd(raw);
        var text = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        var lower = text.toLowerCase(Locale.ROOT);
        if (names.stream().noneMatch(lower::contains)) {
            return raw; // the common case: nothing to remove, no copy
        }
        var out = new StringBuilder(end);
        boolean skipping = false;
        for (var line : text.split("(?<=\n)")) {
            boolean continuation = line.startsWith(" ") || line.startsWith("\t");
            if (!continuation) {
                int colon = line.indexOf(':');
                skipping = colon > 0 && names.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT));
            }
            if (!skipping) {
                out.append(line);
            }
        }
        var head = out.toString().getBytes(StandardCharsets.ISO_8859_1);
        var result = new byte[head.length + raw.length - end];
        System.arraycopy(head, 0, result, 0, head.length);
        System.arraycopy(raw, end, result, head.length, raw.length - end);
        return result;
    }

    /** Where the header section ends: just after the line break before the empty line (or the whole message). */
    private static int headerEnd(byte[] raw) {
        for (int i = 0; i + 1 < raw.length; i++) {
            if (raw[i] == '\n' && (raw[i + 1] == '\n' || (raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n'))) {
                return i + 1;
            }
        }
        return raw.length;
    }
}
