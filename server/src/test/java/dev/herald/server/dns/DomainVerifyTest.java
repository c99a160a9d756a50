package dev.herald.server.dns;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/** {@code domain verify} against a real DNS server on loopback, with records right, missing and wrong. */
class DomainVerifyTest {
    @TempDir
    Path data;

    @Test
    void reportsEachRecordAsOkMissingOrDifferent() throws Exception {
        try (var dns = new LoopbackDnsServer();
             var herald = TestHerald.start(data, Map.of("dns.resolver", dns.address()))) {
            var admin = herald.admin();
            admin.createTenant("acme");
            var domain = admin.addDomain("acme", "acme.com");
            var other = admin.addDomain("acme", "other.example"); // only for a second, wrong key

            publish(dns, domain.get("records"));
            var allOk = verify(admin, "acme.com");
            assertThat(allOk.get("ok").asBoolean()).isTrue();
            assertThat(statuses(allOk)).containsExactly(
                    entry("mx", "ok"), entry("spf", "ok"), entry("dkim", "ok"), entry("dkim", "ok"), entry("dmarc", "ok"));

            // DMARC missing, herald2's key replaced by another domain's key, MX pointing elsewhere.
            dns.remove("_dmarc.acme.com", Type.TXT);
            dns.remove("herald2._domainkey.acme.com", Type.TXT);
            dns.txt("herald2._domainkey.acme.com", other.get("records").get(3).get("value").asText());
            dns.remove("acme.com", Type.MX);
            dns.mx("acme.com", 10, "mail.elsewhere.example");
            var broken = verify(admin, "acme.com");
            assertThat(broken.get("ok").asBoolean()).isFalse();
            var byName = new LinkedHashMap<String, JsonNode>();
            broken.get("records").forEach(r -> byName.put(r.get("name").asText() + "/" + r.get("type").asText(), r));
            assertThat(byName.get("acme.com/MX").get("status").asText()).isEqualTo("different");
            assertThat(byName.get("acme.com/MX").get("found").get(0).asText()).isEqualTo("10 mail.elsewhere.example.");
            assertThat(byName.get("acme.com/TXT").get("status").asText()).isEqualTo("ok");
            assertThat(byName.get("herald1._domainkey.acme.com/TXT").get("status").asText()).isEqualTo("ok");
            assertThat(byName.get("herald2._domainkey.acme.com/TXT").get("status").asText()).isEqualTo("different");
            assertThat(byName.get("herald2._domainkey.acme.com/TXT").get("detail").asText()).contains("published key differs");
            assertThat(byName.get("_dmarc.acme.com/TXT").get("status").asText()).isEqualTo("missing");
        }
    }

    @Test
    void spfMergedWithOtherSendersStillCountsAndTwoSpfRecordsDoNot() throws Exception {
        try (var dns = new LoopbackDnsServer();
             var herald = TestHerald.start(data, Map.of("dns.resolver", dns.address()))) {
            var admin = herald.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            dns.txt("acme.com", "v=spf1 include:_spf.google.com mx ~all");
            assertThat(record(verify(admin, "acme.com"), "spf").get("status").asText()).isEqualTo("ok");
            dns.txt("acme.com", "v=spf1 -all");
            assertThat(record(verify(admin, "acme.com"), "spf").get("detail").asText()).contains("more than one SPF record");
        }
    }

    @Test
    void anUnreachableResolverIsReportedNotHung() {
        // Port 9 on loopback: nothing answers (discard), the query times out quickly.
        try (var herald = TestHerald.start(data, Map.of("dns.resolver", "127.0.0.1:9", "dns.timeout", "300ms"))) {
            var admin = herald.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            var v = verify(admin, "acme.com");
            assertThat(v.get("ok").asBoolean()).isFalse();
            v.get("records").forEach(r -> assertThat(r.get("status").asText()).isEqualTo("error"));
        }
    }

    static void publish(LoopbackDnsServer dns, JsonNode records) {
        for (var r : records) {
            if (r.get("type").asText().equals("MX")) {
                var parts = r.get("value").asText().split(" ");
                dns.mx(r.get("name").asText(), Integer.parseInt(parts[0]), parts[1]);
            } else {
                dns.txt(r.get("name").asText(), r.get("value").asText());
            }
        }
    }

    static JsonNode verify(TestApi admin, String domain) {
        return expect(200, admin.post("/v1/domains/" + domain + "/verify", Map.of()));
    }

    private static JsonNode record(JsonNode verification, String purpose) {
        for (var r : verification.get("records")) {
            if (r.get("purpose").asText().equals(purpose)) {
                return r;
            }
        }
        throw new AssertionError("no " + purpose + " record in " + verification);
    }

    private static String entry(String purpose, String status) {
        return purpose + "=" + status;
    }

    private static java.util.List<String> statuses(JsonNode verification) {
        var out = new java.util.ArrayList<String>();
        verification.get("records").forEach(r -> out.add(entry(r.get("purpose").asText(), r.get("status").asText())));
        return out;
    }
}
