package dev.herald.server.smtp.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A reply: code, enhanced status code (RFC 3463) and text, possibly several lines. Every reply
 * Herald sends comes from {@link Replies} or is built there, so codes stay consistent.
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {
    public SmtpReply(int code, String enhanced, String text) {
        this(code, enhanced, List.of(text));
    }

    public String text() {
        return String.join(" ", lines);
    }

    public boolean positive() {
        return code < 400;
    }

    public SmtpReply withText(String text) {
        return new SmtpReply(code, enhanced, List.of(text));
    }

    /** The wire form: {@code 250-first\r\n250 last\r\n}, enhanced code on every line (RFC 2034). */
    public byte[] encode() {
        var sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (!enhanced.isEmpty()) {
                sb.append(enhanced).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
