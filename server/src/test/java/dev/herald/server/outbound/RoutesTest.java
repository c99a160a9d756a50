package dev.herald.server.outbound;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes: a tenant through a smarthost with implicit TLS and AUTH, one of its domains through
 * another with STARTTLS, a tenant pinned to its own source address (127.0.0.3), everyone else
 * direct to the MX from the server's pool (127.0.0.2); a relay whose certificate cannot be
 * verified keeps the mail waiting; at most N transactions at once to one destination.
 */
class RoutesTest {
    @TempDir
    Path data;

    @Test
    void mailLeavesByItsTenantsOrDomainsRoute() throws Exception {
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok");
             var implicitRelay = new RelayPeer(true, "acme-relay", "s3cret"); var startTlsRelay = new RelayPeer(false, "news-relay", "n3ws")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.retry_schedule", "1h",
                    "outbound.source_addresses", "127.0.0.2"))) {
                var admin = h.admin();
                var acme = provision(admin, "acme", "acme.com", "agent");
                admin.addDomain("acme", "news.acme.com");
                var news = admin.createMailbox("letters@news.acme.com").get("credentials").get("password").asText();
                var other = provision(admin, "other", "other.com", "bot");
                var plain = provision(admin, "plain", "plain.example", "bot");
                var strict = provision(admin, "strict", "strict.example", "bot");

                expect(201, admin.post("/v1/routes", Map.of("tenant", "acme", "relay", "127.0.0.1:" + implicitRelay.port(), "tls", "tls",
                        "verify_certificate", false, "username", "acme-relay", "password", "s3cret")));
                expect(201, admin.post("/v1/routes", Map.of("domain", "news.acme.com", "relay", "127.0.0.1:" + startTlsRelay.port(),
                        "verify_certificate", false, "username", "news-relay", "password", "n3ws")));
                expect(201, admin.post("/v1/routes", Map.of("tenant", "other", "source_address", "127.0.0.3")));
                expect(201, admin.post("/v1/routes", Map.of("tenant", "strict", "relay", "127.0.0.1:" + implicitRelay.port(), "tls", "tls",
                        "username", "acme-relay", "password", "s3cret")));

                submit(h, "agent@acme.com", acme, "to-acme@sink.example");
                submit(h, "letters@news.acme.com", news, "to-news@sink.example");
                submit(h, "bot@other.com", other, "to-other@sink.example");
                submit(h, "bot@plain.example", plain, "to-plain@sink.example");
                var held = submit(h, "bot@strict.example", strict, "to-strict@sink.example");

                await().atMost(Duration.ofSeconds(20)).until(() -> implicitRelay.accepted.size() == 1 && startTlsRelay.accepted.size() == 1
                        && mx.accepted.size() == 2);
                assertThat(implicitRelay.accepted.get(0)).contains("to-acme@sink.example").contains("DKIM-Signature:");
                assertThat(implicitRelay.logins).containsOnly("acme-relay");
                assertThat(startTlsRelay.accepted.get(0)).contains("to-news@sink.example").contains("d=news.acme.com");
                assertThat(startTlsRelay.logins).containsOnly("news-relay");
                assertThat(mx.accepted).noneMatch(m -> m.contains("to-acme") || m.contains("to-news"));
                // Source addresses: the pinned one for "other", the pool's for "plain".
                assertThat(mx.acceptedFrom).anyMatch(m -> m.startsWith("127.0.0.3 ") && m.contains("to-other@sink.example"))
                        .anyMatch(m -> m.startsWith("127.0.0.2 ") && m.contains("to-plain@sink.example"));

                // A relay whose certificate cannot be verified: nothing sent, the mail waits with the reason.
                await().atMost(Duration.ofSeconds(20)).until(() -> lastReply(admin, held).contains("TLS with"));
                assertThat(implicitRelay.accepted).hasSize(1);
                assertThat(expect(200, admin.get("/v1/queue/" + held)).get("recipients").get(0).get("state").asText()).isEqualTo("waiting");

                // The API: passwords are never shown; scopes are enforced.
                var listed = expect(200, admin.get("/v1/routes")).get("routes");
                assertThat(listed).hasSize(4);
                assertThat(listed.toString()).doesNotContain("s3cret").doesNotContain("n3ws").contains("\"password_set\":true");
                var tenantKey = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "other")));
                assertThat(expect(200, tenantKey.get("/v1/routes")).get("routes")).hasSize(1);
                assertThat(expect(403, tenantKey.post("/v1/routes", Map.of("source_address", "127.0.0.4"))).toString())
                        .contains("needs an admin key");
                assertThat(expect(400, admin.post("/v1/routes", Map.of("tenant", "plain", "relay", "relay.example", "tls", "none",
                        "username", "u", "password", "p"))).toString()).contains("only sent over TLS");
                assertThat(expect(400, admin.post("/v1/routes", Map.of("tenant", "plain", "source_address", "192.0.2.1"))).toString())
                        .contains("not an address of this server");
                var acmeRoute = listed.get(0).get("id").asText();
                expect(404, tenantKey.delete("/v1/routes/" + acmeRoute));
            }
        }
    }

    @Test
    void noMoreTransactionsToOneDestinationThanItsLimit() throws Exception {
        assertThat(peakConnections(2)).as("limit 2").isLessThanOrEqualTo(2);
        assertThat(peakConnections(8)).as("limit 8: the same load does run wider, so the limit above is what held it").isGreaterThan(2);
    }

    private int peakConnections(int limit) throws Exception {
        var dir = data.resolve("limit-" + limit);
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> {
            try {
                Thread.sleep(150); // a slow remote: transactions overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 2.0.0 ok";
        })) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(dir, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.workers", "8",
                    "outbound.max_per_destination", String.valueOf(limit)))) {
                h.admin().liftSendLimits(); // concurrency is under test, not pacing (which would spread the 24 over half a minute)
                var password = provision(h.admin(), "t", "t.example", "bot");
                var rcpts = new String[24];
                for (int i = 0; i < rcpts.length; i++) {
                    rcpts[i] = "r" + i + "@sink.example";
                }
                for (var r : rcpts) {
                    submit(h, "bot@t.example", password, r); // one message per recipient: one transaction each
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> mx.accepted.size() == rcpts.length);
                return mx.maxActive.get();
            }
        }
    }

    private static String provision(TestApi admin, String tenant, String domain, String local) {
        admin.createTenant(tenant);
        admin.addDomain(tenant, domain);
        return admin.createMailbox(local + "@" + domain).get("credentials").get("password").asText();
    }

    private static String lastReply(TestApi admin, String queueId) {
        var r = expect(200, admin.get("/v1/queue/" + queueId)).get("recipients").get(0);
        return r.get("last_reply").isNull() ? "" : r.get("last_reply").asText();
    }

    private static String submit(TestHerald h, String from, String password, String rcpt) throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain(from, password)).startsWith("235");
            s.send("MAIL FROM:<" + from + ">");
            assertThat(s.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
            s.send("DATA");
            var reply = s.send("From: " + from + "\r\nTo: " + rcpt + "\r\nSubject: routed\r\n\r\nhello " + rcpt + "\r\n.");
            assertThat(reply).startsWith("250");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }
}
