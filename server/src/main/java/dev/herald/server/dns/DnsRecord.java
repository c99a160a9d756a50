package dev.herald.server.dns;

/**
 * One record a domain must publish.
 *
 * @param purpose what it is for: mx, spf, dkim, dmarc
 * @param name    the owner name, fully qualified without the trailing dot
 * @param type    MX or TXT
 * @param value   the record data as it appears in a zone file's RDATA, TXT unquoted and unsplit
 */
public record DnsRecord(String purpose, String name, String type, String value) {
}
