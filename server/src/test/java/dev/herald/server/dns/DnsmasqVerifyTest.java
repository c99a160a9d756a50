package dev.herald.server.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.testing.Dnsmasq;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: {@code domain verify} against Debian's dnsmasq on an unprivileged loopback port,
 * serving the records Herald printed, with one record missing (DMARC) and one wrong (herald2's key).
 * Runs when dnsmasq is installed (.ci/run installs it); says so loudly when skipped.
 */
class DnsmasqVerifyTest {
    @TempDir
    Path data;

    @Test
    void verifyAgainstDnsmasq() throws Exception {
        if (Dnsmasq.binary().isEmpty()) {
            System.err.println("*** SKIPPED DnsmasqVerifyTest: dnsmasq is not installed (apt-get install dnsmasq-base); "
                    + "the dnsjava loopback server test still covers domain verify ***");
        }
        assumeTrue(Dnsmasq.binary().isPresent(), "dnsmasq is not installed");

        // Start Herald first to learn the records; restart it pointed at dnsmasq.
        JsonNode records;
        try (var herald = TestHerald.start(data)) {
            herald.admin().createTenant("acme");
            records = herald.admin().addDomain("acme", "acme.com").get("records");
        }
        var options = new ArrayList<String>();
        for (var r : records) {
            var name = r.get("name").asText();
            var value = r.get("value").asText();
            switch (r.get("purpose").asText()) {
                case "mx" -> options.add("--mx-host=" + name + "," + value.split(" ")[1].replaceAll("\\.$", "") + "," + value.split(" ")[0]);
                case "dmarc" -> { } // left out: must be reported missing
                case "dkim" -> options.add("--txt-record=" + name + "," + (name.startsWith("herald2")
                        ? value.substring(0, value.length() - 12) + "AAAAAAAAAAAA" : value));
                default -> options.add("--txt-record=" + name + "," + value);
            }
        }
        try (var dns = Dnsmasq.start(data, List.of("acme.com"), options);
             var herald = TestHerald.start(data, Map.of("dns.resolver", dns.address()))) {
            JsonNode v = null;
            for (int attempt = 0; attempt < 50; attempt++) { // until dnsmasq is listening
                v = DomainVerifyTest.verify(herald.admin(), "acme.com");
                if (!v.get("records").get(0).get("status").asText().equals("error")) {
                    break;
                }
                Thread.sleep(100);
            }
            var statuses = new ArrayList<String>();
            v.get("records").forEach(r -> statuses.add(r.get("name").asText() + "=" + r.get("status").asText()));
            assertThat(statuses).as(dns.log()).containsExactly(
                    "acme.com=ok", "acme.com=ok", "herald1._domainkey.acme.com=ok", "herald2._domainkey.acme.com=different",
                    "_dmarc.acme.com=missing");
        }
    }
}
