package dev.herald.server.imap.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** Builds IMAP response text: strings as quoted or literal as their content requires, NIL, lists. Pure. */
public final class ImapWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public ImapWriter raw(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public ImapWriter sp() {
        out.write(' ');
        return this;
    }

    /** A string, quoted when it can be, a literal otherwise (CR, LF, NUL, 8-bit or very long). */
    public ImapWriter string(String s) {
        if (s == null) {
            return raw("NIL");
        }
        boolean quotable = s.length() < 1000;
        for (int i = 0; quotable && i < s.length(); i++) {
            char c = s.charAt(i);
            quotable = c >= 0x20 && c < 0x7f;
        }
        if (quotable) {
            return raw("\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return literal(s.getBytes(StandardCharsets.UTF_8));
    }

    public ImapWriter literal(byte[] bytes) {
        raw("{" + bytes.length + "}\r\n");
        out.writeBytes(bytes);
        return this;
    }

    public ImapWriter number(long n) {
        return raw(Long.toString(n));
    }

    public ImapWriter flags(Collection<String> flags) {
        return raw("(" + String.join(" ", flags) + ")");
    }

    public ImapWriter crlf() {
        return raw("\r\n");
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public int size() {
        return out.size();
    }
}
