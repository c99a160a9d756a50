package dev.herald.server.dns;

import dev.herald.storage.model.DkimKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The records a hosted domain publishes so that mail to it reaches Herald and mail from it
 * authenticates: MX, SPF, one DKIM TXT per selector, DMARC.
 */
public final class DomainDnsRecords {
    /** Zone files and most DNS servers limit one character-string to 255 bytes (RFC 1035 3.3). */
    private static final int TXT_CHUNK = 255;

    private final String mxHost;
    private final String spf;
    private final String dmarc;
    private final int ttl;

    public DomainDnsRecords(String mxHost, String spf, String dmarc, int ttl) {
        this.mxHost = mxHost;
        this.spf = spf;
        this.dmarc = dmarc;
        this.ttl = ttl;
    }

    public List<DnsRecord> records(String domain, List<DkimKey> keys) {
        var out = new ArrayList<DnsRecord>();
        out.add(new DnsRecord("mx", domain, "MX", "10 " + mxHost + "."));
        out.add(new DnsRecord("spf", domain, "TXT", spf));
        for (var key : keys) {
            out.add(new DnsRecord("dkim", dkimName(key.selector(), domain), "TXT", dkimValue(key.publicKey())));
        }
        out.add(new DnsRecord("dmarc", "_dmarc." + domain, "TXT", dmarc));
        return out;
    }

    public static String dkimName(String selector, String domain) {
        return selector + "._domainkey." + domain;
    }

    /** The DKIM key record of RFC 6376 3.6.1 for an X.509-encoded RSA public key. */
    public static String dkimValue(byte[] publicKey) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(publicKey);
    }

    /** The records in zone-file form, ready to paste into a zone or a DNS provider's import. */
    public String zone(List<DnsRecord> records) {
        var sb = new StringBuilder();
        for (var r : records) {
            sb.append(r.name()).append(". ").append(ttl).append(" IN ").append(r.type()).append(' ');
            sb.append(r.type().equals("TXT") ? quotedStrings(r.value()) : r.value()).append('\n');
        }
        return sb.toString();
    }

    /** A TXT value as one or more quoted character-strings of at most 255 bytes each. */
    static String quotedStrings(String value) {
        var bytes = value.getBytes(StandardCharsets.US_ASCII);
        var parts = new ArrayList<String>();
        for (int i = 0; i < bytes.length; i += TXT_CHUNK) {
            var chunk = new String(bytes, i, Math.min(TXT_CHUNK, bytes.length - i), StandardCharsets.US_ASCII);
            parts.add('"' + chunk.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return parts.size() == 1 ? parts.get(0) : "( " + String.join(" ", parts) + " )";
    }
}
