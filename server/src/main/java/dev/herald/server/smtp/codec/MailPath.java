package dev.herald.server.smtp.codec;

import java.util.Locale;

/**
 * A forward or reverse path's mailbox, parsed per RFC 5321 4.1.2: a source route is dropped
 * (RFC 5321 allows ignoring it), a quoted local part stays marked, an address literal is marked.
 */
public record MailPath(String localPart, String domain, boolean quoted, boolean addressLiteral) {
    public static final MailPath NULL = new MailPath("", "", false, false);

    public boolean isNull() {
        return localPart.isEmpty() && domain.isEmpty();
    }

    /** The address with the domain lowercased; the local part as given. */
    public String address() {
        return isNull() ? "" : localPart + "@" + domain.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "<" + address() + ">";
    }
}
