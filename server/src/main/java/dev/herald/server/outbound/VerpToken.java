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
    private final byte[] key;

    public VerpToken(byte[] key) {
        this.key = key.clone();
    }

    public String localPart(long entryId) {
        var id = Long.toString(entryId, 36);
        return PREFIX + id + "-" + tag(id);
    }

    public String address(long entryId, String domain) {
        return localPart(entryId) + "@" + domain;
    }

    /** The queue entry a bounce address names, if it is one of ours and its tag verifies. */
    public Optional<Long> entry(String localPart) {
        var lp = localPart.toLowerCase(Locale.ROOT);
        if (!lp.startsWith(PREFIX)) {
            return Optional.empty();
        }
        var rest = lp.substring(PREFIX.length());
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
