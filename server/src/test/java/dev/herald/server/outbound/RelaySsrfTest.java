package dev.herald.server.outbound;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * A tenant key cannot point outbound mail at internal hosts (SSRF): a relay on a loopback, private,
 * link-local, CGNAT or unique-local address is refused when the route is set, also through a name
 * that resolves there; a name that pointed outside when it was set and inside later (DNS
 * rebinding) is refused again at connect time, and nothing reaches the internal service. An admin
 * may set a private relay.
 */
class RelaySsrfTest {
    @TempDir
    Path data;

    @Test
    void tenantRelaysToInternalAddressesAreRefusedAtSetAndAtConnect() throws Exception {
        try (var dns = new LoopbackDnsServer(); var internal = new ScriptedMx(n -> "250 2.0.0 internal service answered")) {
            dns.a("inside.evil.test", "127.0.0.1").a("rebind.evil.test", "192.0.2.25");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true",
                    "outbound.retry_schedule", "1h"))) {
                var admin = h.admin();
                admin.createTenant("acme");
                admin.addDomain("acme", "acme.com");
                var password = admin.createMailbox("agent@acme.com").get("credentials").get("password").asText();
                var tenant = h.as(admin.createKey(Map.of("scope", "tenant", "tenant", "acme")));

                for (var relay : new String[] {"127.0.0.1:" + internal.port(), "10.1.2.3:25", "192.168.0.10:587", "172.16.5.5",
                        "169.254.169.254:80", "100.64.0.1:25", "[::1]:25", "[fd00::1]:25", "[::ffff:127.0.0.1]:25", "0.0.0.0:25",
                        "inside.evil.test:" + internal.port()}) {
                    var r = tenant.post("/v1/routes", Map.of("relay", relay, "tls", "none"));
                    assertThat(r.status()).as(relay).isEqualTo(400);
                    assertThat(r.message()).as(relay).contains("internal address").contains("must be public");
                }
                assertThat(expect(200, admin.get("/v1/routes")).get("routes")).isEmpty();

                // Set while it pointed outside, then the name is turned inward: refused after resolution at connect time.
                expect(201, tenant.post("/v1/routes", Map.of("relay", "rebind.evil.test:" + internal.port(), "tls", "none")));
                dns.remove("rebind.evil.test", Type.A).a("rebind.evil.test", "127.0.0.1");
                var queueId = submit(h, password);
                await().atMost(Duration.ofSeconds(20)).until(() -> lastReply(admin, queueId).contains("internal address"));
                assertThat(lastReply(admin, queueId)).startsWith("451 4.4.0").doesNotContain("internal service answered");
                assertThat(internal.accepted).isEmpty();
                assertThat(internal.connections.get()).isZero();

                // An admin may route to a relay on the local network.
                expect(201, admin.post("/v1/routes", Map.of("tenant", "acme", "relay", "127.0.0.1:" + internal.port(), "tls", "none")));
                expect(200, admin.post("/v1/queue/" + queueId + "/retry", Map.of()));
                await().atMost(Duration.ofSeconds(20)).until(() -> internal.accepted.size() == 1);
            }
        }
    }

    @Test
    void aServerSettingLetsTenantsUsePrivateRelays() throws Exception {
        try (var h = TestHerald.start(data, Map.of("outbound.allow_private_relays", "true"))) {
            var admin = h.admin();
            admin.createTenant("acme");
            var tenant = h.as(admin.createKey(Map.of("scope", "tenant", "tenant", "acme")));
            expect(201, tenant.post("/v1/routes", Map.of("relay", "10.1.2.3:25", "tls", "none")));
        }
    }

    private static String lastReply(dev.herald.server.testing.TestApi admin, String queueId) {
        var r = expect(200, admin.get("/v1/queue/" + queueId)).get("recipients").get(0);
        return r.get("last_reply").isNull() ? "" : r.get("last_reply").asText();
    }

    private static String submit(TestHerald h, String password) throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain("agent@acme.com", password)).startsWith("235");
            s.send("MAIL FROM:<agent@acme.com>");
            assertThat(s.send("RCPT TO:<someone@remote.example>")).startsWith("250");
            s.send("DATA");
            var reply = s.send("From: agent@acme.com\r\nTo: someone@remote.example\r\nSubject: ssrf\r\n\r\nhello\r\n.");
            assertThat(reply).startsWith("250");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }
}
