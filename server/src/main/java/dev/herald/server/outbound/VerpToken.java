package dev.herald.server.outbound;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The return path of one recipient of one message: {@code bounce+<entry>-<tag>@<sending domain>},
 * where entry is the queue entry (base 36) and tag the first 10 hex digits of an HMAC-SHA256 of it
 * under the server's VERP key, so a bounce names exactly what it is about and nobody can forge one
 * about someone else's mail (the MX refuses bounce+ addresses whose tag does not verify).
 */
public final class VerpToken {
    public static final String PREFIX = "bounce+";
    /** The mailto form of one-click unsubscribe (RFC 8058 also wants the HTTPS one). */
    public static final String UNSUBSCRIBE_PREFIX = "unsubscribe+";
    private final byte[] key;
    private final String prefix;

    public VerpToken(byte[] key) {
        this(key, PREFIX);
    }

    /** Tokens of another purpose (e.g. unsubscribe+) under a key derived from the same secret. */
    public VerpToken(byte[] key, String prefix) {
        this.key = prefix.equals(PREFIX) ? key.clone() : derive(key, prefix);
        this.prefix = prefix;
    }

    private static byte[] derive(byte[] key, String purpose) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public String localPart(long entryId) {
        return prefix + token(entryId);
    }

    /** The part after the prefix: "<entry base 36>-<tag>", usable in a URL as well. */
    public String token(long entryId) {
        var id = Long.toString(entryId, 36);
        return id + "-" + tag(id);
    }

    public String address(long entryId, String domain) {
        return localPart(entryId) + "@" + domain;
    }

    /** The queue entry a bounce address names, if it is one of ours and its tag verifies. */
    public Optional<Long> entry(String localPart) {
        var lp = localPart.toLowerCase(Locale.ROOT);
        if (!lp.startsWith(prefix)) {
            return Optional.empty();
        }
        return fromToken(lp.substring(prefix.length()));
    }

    /** The entry a bare token ("<id>-<tag>") names, if its tag verifies. */
    public Optional<Long> fromToken(String token) {
        var rest = token.toLowerCase(Locale.ROOT);
        int dash = rest.lastIndexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        var id = rest.substring(0, dash);
        if (!java.security.MessageDigest.isEqual(tag(id).getBytes(StandardCharsets.US_ASCII),
                rest.substring(dash + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(id, 36));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String tag(String id) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.US_ASCII))).substring(0, 10);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
