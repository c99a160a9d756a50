package dev.herald.server.dns;

import java.util.List;

/**
 * The result of checking one expected record against DNS.
 *
 * @param status ok, missing, different, or error (the lookup itself failed)
 * @param found  what DNS returned for that name and type (empty when missing)
 */
public record RecordCheck(DnsRecord expected, String status, List<String> found, String detail) {
    public boolean ok() {
        return status.equals("ok");
    }
}
