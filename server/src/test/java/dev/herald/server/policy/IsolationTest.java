package dev.herald.server.policy;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.outbound.ScriptedMx;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The articles' isolation scenario over real sockets: a remote MX on loopback refuses some of
 * tenant A's outreach recipients ("550 5.1.1"); A's outreach mailbox goes under review, then is
 * paused; its remaining queued mail is held and its agent is told 550 5.7.1; tenant B's
 * transactional mailbox on the same server delivers every message; A's suppression list holds
 * exactly the bounced addresses and B's is empty.
 */
class IsolationTest {
    /** The recipients of A's outreach the remote does not know: 1 in the first 40, then three in a row close together. */
    private static final Set<Integer> GONE = Set.of(10, 45, 47, 49, 51);

    @TempDir
    Path data;

    @Test
    void oneTenantsBadMorningStaysItsOwn() throws Exception {
        try (var dns = new LoopbackDnsServer();
             var mx = new ScriptedMx(n -> "250 2.0.0 ok", rcpt -> rcpt.startsWith("gone") ? "550 5.1.1 no such user" : "250 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            // One worker: sends are judged in queue order, so "review, then paused" is deterministic.
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.workers", "1"))) {
                var admin = h.admin();
                admin.liftSendLimits();
                expect(200, admin.patch("/v1/policy", Map.of("breaker.min_volume", "40"))); // test scale; rates as in SPEC (2% / 5%)
                var a = provision(admin, "tenant-a", "a.example", "outreach");
                var b = provision(admin, "tenant-b", "b.example", "resets");

                // A's 60 outreach messages are queued first (held), then released at once, so they leave in order.
                expect(200, admin.patch("/v1/policy?mailbox=outreach@a.example", Map.of("hold.for_approval", "true")));
                try (var s = session(h, "outreach@a.example", a)) {
                    for (int i = 1; i <= 60; i++) {
                        assertThat(send(s, "outreach@a.example", (GONE.contains(i) ? "gone" : "lead") + i + "@sink.example", "outreach " + i))
                                .startsWith("250");
                    }
                }
                // Queueing runs after the 250: wait until all 60 are held before lifting the hold, or the last
                // ones would be queued (and sent) unheld.
                await().atMost(Duration.ofSeconds(10)).until(() -> expect(200, admin.get("/v1/queue?tenant=tenant-a&state=held"))
                        .get("entries").size() == 60);
                expect(200, admin.patch("/v1/policy?mailbox=outreach@a.example", Map.of("hold.for_approval", "false")));
                assertThat(expect(200, admin.post("/v1/queue/approve?tenant=tenant-a", Map.of())).get("approved").asInt()).isEqualTo(60);

                await().atMost(Duration.ofSeconds(30)).until(() -> "paused".equals(
                        expect(200, admin.get("/v1/mailboxes/outreach@a.example")).get("status").asText()));
                var mailboxStates = new ArrayList<String>();
                expect(200, admin.get("/v1/breakers?tenant=tenant-a")).get("transitions").forEach(t -> {
                    if (t.get("scope").asText().equals("mailbox")) {
                        mailboxStates.add(t.get("state").asText());
                    }
                });
                assertThat(mailboxStates).as("under review first, then paused").containsExactly("review", "paused");

                // B sends while A is paused: every message delivered.
                try (var s = session(h, "resets@b.example", b)) {
                    for (int i = 1; i <= 30; i++) {
                        assertThat(send(s, "resets@b.example", "user" + i + "@sink.example", "password reset " + i)).startsWith("250");
                    }
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> mx.accepted.stream().filter(m -> m.contains("password reset")).count() == 30);

                // A's agent is told, its queued mail is held and never leaves.
                try (var s = session(h, "outreach@a.example", a)) {
                    assertThat(s.send("MAIL FROM:<outreach@a.example>"))
                            .startsWith("550 5.7.1 this mailbox is paused by its circuit breaker");
                }
                var held = expect(200, admin.get("/v1/queue?tenant=tenant-a&state=held")).get("entries");
                assertThat(held.size()).as("A's mail after the pause waits").isPositive();
                assertThat(held.get(0).get("last_reply").asText()).startsWith("held: sender paused: ");
                var sentOutreach = mx.acceptedFrom.stream().filter(m -> m.contains("outreach ")).count();
                Thread.sleep(1_000); // a few scheduler polls: nothing more of A's leaves
                assertThat(mx.acceptedFrom.stream().filter(m -> m.contains("outreach ")).count()).isEqualTo(sentOutreach);

                // Suppression: exactly A's bounced addresses; B's list is empty.
                var bounced = mx.envelopes.stream().map(e -> e.split(" ")[1]).filter(r -> r.startsWith("gone")).sorted().toList();
                assertThat(bounced).isNotEmpty();
                assertThat(addresses(admin, "tenant-a")).isEqualTo(bounced);
                assertThat(addresses(admin, "tenant-b")).isEmpty();
                assertThat(expect(200, admin.get("/v1/breakers?tenant=tenant-b")).get("transitions")).isEmpty();

                // Only an admin resumes what the breaker paused.
                var tenantKey = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "tenant-a")));
                assertThat(expect(403, tenantKey.post("/v1/mailboxes/outreach@a.example/resume", Map.of())).toString())
                        .contains("paused by its circuit breaker");
                expect(403, tenantKey.post("/v1/tenants/tenant-a/resume", Map.of()));

                // The admin resumes the tenant and the mailbox: the held mail goes out, to recipients not suppressed.
                var heldCount = held.size();
                assertThat(expect(200, admin.post("/v1/tenants/tenant-a/resume", Map.of())).get("status").asText()).isEqualTo("active");
                expect(200, admin.post("/v1/mailboxes/outreach@a.example/resume", Map.of()));
                await().atMost(Duration.ofSeconds(30)).until(() -> mx.acceptedFrom.stream().filter(m -> m.contains("outreach ")).count()
                        >= sentOutreach + heldCount - 2);
                assertThat(expect(200, admin.get("/v1/queue?tenant=tenant-a&state=held")).get("entries")).isEmpty();
            }
        }
    }

    private static String provision(TestApi admin, String tenant, String domain, String local) {
        admin.createTenant(tenant);
        admin.addDomain(tenant, domain);
        return admin.createMailbox(local + "@" + domain).get("credentials").get("password").asText();
    }

    private static List<String> addresses(TestApi admin, String tenant) {
        var out = new ArrayList<String>();
        expect(200, admin.get("/v1/suppressions?tenant=" + tenant)).get("suppressions").forEach(s -> out.add(s.get("address").asText()));
        return out.stream().sorted().toList();
    }

    private static SmtpScript session(TestHerald h, String user, String password) throws Exception {
        var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS));
        s.hello();
        assertThat(s.authPlain(user, password)).startsWith("235");
        return s;
    }

    private static String send(SmtpScript s, String from, String rcpt, String subject) throws Exception {
        s.send("MAIL FROM:<" + from + ">");
        assertThat(s.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
        s.send("DATA");
        return s.send("From: " + from + "\r\nX-Herald-Stream: transactional\r\nSubject: " + subject + "\r\n\r\nhello\r\n.");
    }
}
