package dev.herald.server.policy;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.outbound.ScriptedMx;
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
 * `stats` from the event stream, and the breakers' memory across a restart: a mailbox that sends 10
 * accepted and 2 refused recipients, another whose 3 recipients are deferred, a tenant next door
 * that sees none of it; then a sender paused by its breaker stays paused after a restart, its
 * windows refilled, and only an admin resumes its domain.
 */
class StatsTest {
    @TempDir
    Path data;

    @Test
    void countsRatesQueueDepthAndBreakerStatePerTenantDomainAndMailbox() throws Exception {
        try (var dns = new LoopbackDnsServer();
             var mx = new ScriptedMx(n -> "250 2.0.0 ok", rcpt -> rcpt.startsWith("gone") ? "550 5.1.1 no such user"
                     : rcpt.startsWith("slow") ? "451 4.3.0 try later" : "250 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = start(dns, mx)) {
                var admin = h.admin();
                var a = provision(admin, "acme", "acme.example", "a");
                var b = admin.createMailbox("b@acme.example").get("credentials").get("password").asText();
                provision(admin, "other", "other.example", "x");
                try (var s = session(h, "a@acme.example", a)) {
                    for (int i = 1; i <= 12; i++) {
                        assertThat(send(s, "a@acme.example", (i > 10 ? "gone" : "r") + i + "@sink.example")).startsWith("250");
                    }
                }
                try (var s = session(h, "b@acme.example", b)) {
                    for (int i = 1; i <= 3; i++) {
                        assertThat(send(s, "b@acme.example", "slow" + i + "@sink.example")).startsWith("250");
                    }
                    // Mail between hosted mailboxes, here to another tenant's: delivered locally, received there.
                    assertThat(send(s, "b@acme.example", "x@other.example")).startsWith("250");
                }
                // Each slow recipient is tried several times (retry_schedule 1s): still three deferred messages, not attempts.
                await().atMost(Duration.ofSeconds(30)).until(() -> expect(200, admin.get("/v1/queue?tenant=acme&state=waiting")).get("entries")
                        .findValues("attempts").stream().filter(n -> n.asInt() >= 2).count() == 3
                        && mailbox(admin, "a@acme.example").get("delivered").asLong() == 10);

                var tenantKey = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "acme")));
                var report = expect(200, tenantKey.get("/v1/stats?window=1h"));
                assertThat(report.get("window").asText()).isEqualTo("1h");
                assertThat(report.get("tenants")).as("a tenant key sees its own tenant only").hasSize(1);
                var acme = report.get("tenants").get(0);
                assertThat(acme.get("tenant").asText()).isEqualTo("acme");
                assertThat(acme.get("accepted").asLong()).isEqualTo(16);
                assertThat(acme.get("sent").asLong()).as("remote recipients queued: 12 of a, 3 of b").isEqualTo(15);
                assertThat(acme.get("deferred").asLong()).as("three messages, however often retried").isEqualTo(3);
                assertThat(acme.get("delivered_local").asLong()).isEqualTo(1);
                assertThat(acme.get("delivered").asLong()).isEqualTo(10);
                assertThat(acme.get("bounced").asLong()).isEqualTo(2);
                assertThat(acme.get("suppressed").asLong()).as("the two hard bounces").isEqualTo(2);
                assertThat(acme.get("bounce_rate").asDouble()).isEqualTo(Math.round(2 * 1_000_000.0 / 12) / 1_000_000.0);
                assertThat(acme.get("delivery_rate").asDouble()).isEqualTo(Math.round(10 * 1_000_000.0 / 12) / 1_000_000.0);
                assertThat(acme.get("complaint_rate").asDouble()).isZero();
                assertThat(acme.get("queue").get("retrying").asLong()).isEqualTo(3);
                assertThat(acme.get("breaker").get("state").asText()).isEqualTo("healthy");
                assertThat(acme.get("breaker").get("bounces_24h").asLong()).isEqualTo(2);

                var domain = acme.get("domains").get(0);
                assertThat(domain.get("domain").asText()).isEqualTo("acme.example");
                assertThat(domain.get("sent").asLong()).isEqualTo(15);
                assertThat(domain.get("warmup").get("warm").asBoolean()).as("warm-up is off in this test").isTrue();

                var mailboxA = mailbox(admin, "a@acme.example");
                assertThat(mailboxA.get("delivered").asLong()).isEqualTo(10);
                assertThat(mailboxA.get("bounced").asLong()).isEqualTo(2);
                assertThat(mailboxA.get("queue").size()).isZero();
                var mailboxB = mailbox(admin, "b@acme.example");
                assertThat(mailboxB.get("sent").asLong()).isEqualTo(3);
                assertThat(mailboxB.get("deferred").asLong()).isEqualTo(3);
                assertThat(mailboxB.get("delivered_local").asLong()).isEqualTo(1);
                assertThat(mailboxB.get("bounce_rate").isNull()).as("no rate before any fate is known").isTrue();
                assertThat(mailboxB.get("queue").get("retrying").asLong()).isEqualTo(3);

                assertThat(expect(404, tenantKey.get("/v1/stats?tenant=other")).toString()).contains("not found");
                expect(404, tenantKey.get("/v1/stats?mailbox=x@other.example"));
                assertThat(expect(400, admin.get("/v1/stats?window=forever")).toString()).contains("window");
                var everyone = expect(200, admin.get("/v1/stats"));
                assertThat(everyone.get("tenants")).hasSize(2);
                var other = everyone.get("tenants").get(1);
                assertThat(other.get("tenant").asText()).isEqualTo("other");
                assertThat(other.get("accepted").asLong()).isZero();
                assertThat(other.get("received").asLong()).as("b's message to x@other.example").isEqualTo(1);
            }
        }
    }

    @Test
    void aBreakersPauseOutlivesARestartAndOnlyAnAdminResumesTheDomain() throws Exception {
        try (var dns = new LoopbackDnsServer();
             var mx = new ScriptedMx(n -> "250 2.0.0 ok", rcpt -> rcpt.startsWith("gone") ? "550 5.1.1 no such user" : "250 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = start(dns, mx)) {
                var admin = h.admin();
                var a = provision(admin, "acme", "acme.example", "a");
                expect(200, admin.patch("/v1/policy?tenant=acme", Map.of("breaker.min_volume", "10", "breaker.bounce_review", "10%",
                        "breaker.bounce_pause", "20%")));
                try (var s = session(h, "a@acme.example", a)) {
                    for (int i = 1; i <= 10; i++) {
                        assertThat(send(s, "a@acme.example", (i > 7 ? "gone" : "r") + i + "@sink.example")).startsWith("250");
                    }
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> "paused".equals(
                        expect(200, admin.get("/v1/domains/acme.example")).get("status").asText()));

                h.restart();
                var after = h.admin();
                var domain = expect(200, after.get("/v1/stats?tenant=acme")).get("tenants").get(0).get("domains").get(0);
                assertThat(domain.get("status").asText()).isEqualTo("paused");
                assertThat(domain.get("breaker").get("state").asText()).isEqualTo("paused");
                assertThat(domain.get("breaker").get("sends_24h").asLong()).as("the window refilled from the events").isEqualTo(10);
                assertThat(domain.get("breaker").get("bounces_24h").asLong()).isEqualTo(3);
                try (var s = session(h, "a@acme.example", a)) {
                    assertThat(s.send("MAIL FROM:<a@acme.example>")).as("the breaker's pause, told as such after the restart")
                            .startsWith("550 5.7.1 this mailbox is paused by its circuit breaker");
                }
                var transitions = expect(200, after.get("/v1/breakers?tenant=acme")).get("transitions");
                assertThat(transitions.toString()).contains("\"scope\":\"domain\"").contains("\"state\":\"paused\"");

                var tenantKey = new TestApi(h.url(), after.createKey(Map.of("scope", "tenant", "tenant", "acme")));
                assertThat(expect(403, tenantKey.post("/v1/domains/acme.example/resume", Map.of())).toString())
                        .contains("paused by its circuit breaker");
                assertThat(expect(200, after.post("/v1/domains/acme.example/resume", Map.of())).get("status").asText()).isEqualTo("active");
                // The tenant may pause and resume its own domain itself when no breaker is involved.
                assertThat(expect(200, tenantKey.post("/v1/domains/acme.example/pause", Map.of())).get("status").asText()).isEqualTo("paused");
                assertThat(expect(200, tenantKey.post("/v1/domains/acme.example/resume", Map.of())).get("status").asText()).isEqualTo("active");
                var events = expect(200, after.get("/v1/breakers?tenant=acme")).get("transitions");
                assertThat(events.get(events.size() - 1).get("state").asText()).isEqualTo("healthy");
            }
        }
    }

    private TestHerald start(LoopbackDnsServer dns, ScriptedMx mx) {
        var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.workers", "1",
                "outbound.retry_schedule", "1s"));
        h.admin().liftSendLimits();
        return h;
    }

    private static JsonNode mailbox(TestApi admin, String address) {
        return expect(200, admin.get("/v1/stats?mailbox=" + address)).get("tenants").get(0).get("mailboxes").get(0);
    }

    private static String provision(TestApi admin, String tenant, String domain, String local) {
        admin.createTenant(tenant);
        admin.addDomain(tenant, domain);
        return admin.createMailbox(local + "@" + domain).get("credentials").get("password").asText();
    }

    private static SmtpScript session(TestHerald h, String user, String password) throws Exception {
        var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS));
        s.hello();
        assertThat(s.authPlain(user, password)).startsWith("235");
        return s;
    }

    private static String send(SmtpScript s, String from, String rcpt) throws Exception {
        s.send("MAIL FROM:<" + from + ">");
        assertThat(s.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
        s.send("DATA");
        return s.send("From: " + from + "\r\nSubject: hello\r\n\r\nhello\r\n.");
    }
}
