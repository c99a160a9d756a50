package dev.herald.server.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Checks a domain's published records against what Herald expects, asking the configured resolver
 * directly (no cache), so a record fixed a second ago is seen.
 */
public final class DnsVerifier {
    private final SimpleResolver resolver;

    public DnsVerifier(String resolverSetting, Duration timeout) {
        this.resolver = new SimpleResolver(resolverAddress(resolverSetting));
        resolver.setTimeout(timeout);
    }

    /** "system" or host[:port] → the socket address to query. */
    public static InetSocketAddress resolverAddress(String setting) {
        if (setting.equalsIgnoreCase("system")) {
            var servers = ResolverConfig.getCurrentConfig().servers();
            if (servers.isEmpty()) {
                throw new IllegalStateException("dns.resolver is 'system' but the system has no nameserver configured");
            }
            return servers.get(0);
        }
        int colon = setting.lastIndexOf(':');
        if (colon > 0 && setting.indexOf(':') == colon) {
            return new InetSocketAddress(setting.substring(0, colon), Integer.parseInt(setting.substring(colon + 1)));
        }
        return new InetSocketAddress(setting.replace("[", "").replace("]", ""), 53);
    }

    public List<RecordCheck> verify(List<DnsRecord> expected) {
        return expected.stream().map(this::check).toList();
    }

    private RecordCheck check(DnsRecord want) {
        List<String> found;
        try {
            found = lookup(want.name(), want.type().equals("MX") ? Type.MX : Type.TXT);
        } catch (IOException e) {
            return new RecordCheck(want, "error", List.of(), "lookup failed: " + e.getMessage());
        }
        return switch (want.purpose()) {
            case "mx" -> compareMx(want, found);
            case "spf" -> compareSpf(want, onlyTagged(found, "v=spf1"));
            case "dkim" -> compareTag(want, onlyTagged(found, "v=DKIM1"), "p");
            case "dmarc" -> compareTag(want, onlyTagged(found, "v=DMARC1"), "p");
            default -> throw new IllegalArgumentException("unknown record purpose " + want.purpose());
        };
    }

    private List<String> lookup(String name, int type) throws IOException {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IOException("bad name " + name, e);
        }
        Message response = resolver.send(Message.newQuery(Record.newRecord(qname, type, DClass.IN)));
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new IOException("resolver answered " + Rcode.string(rcode));
        }
        var out = new ArrayList<String>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof MXRecord mx) {
                out.add(mx.getPriority() + " " + mx.getTarget().toString().toLowerCase(Locale.ROOT));
            } else if (r instanceof TXTRecord txt) {
                // A TXT record's strings are one value split for transport: join without spaces (RFC 7208 3.3).
                out.add(String.join("", txt.getStrings()));
            }
        }
        return out;
    }

    private static List<String> onlyTagged(List<String> txt, String version) {
        return txt.stream().filter(t -> t.regionMatches(true, 0, version, 0, version.length())).toList();
    }

    private static RecordCheck compareMx(DnsRecord want, List<String> found) {
        if (found.isEmpty()) {
            return new RecordCheck(want, "missing", found, "no MX record");
        }
        var host = want.value().substring(want.value().indexOf(' ') + 1).toLowerCase(Locale.ROOT);
        boolean pointsHere = found.stream().anyMatch(f -> f.substring(f.indexOf(' ') + 1).equals(host));
        return pointsHere
                ? new RecordCheck(want, "ok", found, "MX points at " + host)
                : new RecordCheck(want, "different", found, "no MX points at " + host);
    }

    /** Ok when every mechanism Herald needs is in the published SPF record, whatever else it holds. */
    private static RecordCheck compareSpf(DnsRecord want, List<String> found) {
        if (found.isEmpty()) {
            return new RecordCheck(want, "missing", found, "no v=spf1 TXT record");
        }
        if (found.size() > 1) {
            return new RecordCheck(want, "different", found, "more than one SPF record (RFC 7208 4.5: a permanent error)");
        }
        var have = new HashSet<>(Arrays.asList(found.get(0).toLowerCase(Locale.ROOT).split("\\s+")));
        var missing = Arrays.stream(want.value().toLowerCase(Locale.ROOT).split("\\s+"))
                .filter(m -> !m.endsWith("all") && !have.contains(m))
                .toList();
        return missing.isEmpty()
                ? new RecordCheck(want, "ok", found, "SPF authorizes this server")
                : new RecordCheck(want, "different", found, "SPF lacks " + String.join(" ", missing));
    }

    /** Ok when the published record carries the same value for {@code tag} (the DKIM key, the DMARC policy). */
    private static RecordCheck compareTag(DnsRecord want, List<String> found, String tag) {
        if (found.isEmpty()) {
            return new RecordCheck(want, "missing", found, "no " + want.purpose().toUpperCase(Locale.ROOT) + " record at " + want.name());
        }
        var expected = tags(want.value()).get(tag);
        var actual = tags(found.get(0)).get(tag);
        if (expected != null && expected.equals(actual)) {
            return new RecordCheck(want, "ok", found, tag + "= matches");
        }
        return new RecordCheck(want, "different", found,
                want.purpose().equals("dkim") ? "published key differs from the stored key" : tag + "=" + actual + ", expected " + expected);
    }

    /** Tag=value pairs of a DKIM or DMARC record (RFC 6376 3.2), whitespace removed from values. */
    static Map<String, String> tags(String record) {
        return Arrays.stream(record.split(";"))
                .map(String::trim)
                .filter(t -> t.contains("="))
                .collect(Collectors.toMap(
                        t -> t.substring(0, t.indexOf('=')).trim().toLowerCase(Locale.ROOT),
                        t -> t.substring(t.indexOf('=') + 1).replaceAll("\\s+", ""),
                        (a, b) -> a));
    }
}
