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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suppression per tenant: a remote's "550 5.1.1" puts the address on the sending tenant's list
 * (and only that tenant's), the next RCPT to it is refused for that recipient only, an address
 * suppressed while mail to it waits in the queue is never sent, and admins manage the list.
 */
class SuppressionTest {
    @TempDir
    Path data;

    @Test
    void hardBouncesAndAdminsFillOneTenantsListOnly() throws Exception {
        var later = new AtomicBoolean(true);
        try (var dns = new LoopbackDnsServer();
             var mx = new ScriptedMx(n -> "250 2.0.0 ok", rcpt -> rcpt.startsWith("bad@") ? "550 5.1.1 no such user here"
                     : rcpt.startsWith("later@") && later.get() ? "451 4.2.0 mailbox busy, try later" : "250 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.retry_schedule", "1s"))) {
                var admin = h.admin();
                var a = provision(admin, "tenant-a", "a.example");
                var b = provision(admin, "tenant-b", "b.example");

                assertThat(send(h, "agent@a.example", a, "bad@sink.example", "good@sink.example")).startsWith("250");
                assertThat(send(h, "agent@b.example", b, "good2@sink.example")).startsWith("250");
                await().atMost(Duration.ofSeconds(20)).until(() -> mx.accepted.size() == 2 && addresses(admin, "tenant-a").size() == 1);
                assertThat(addresses(admin, "tenant-a")).containsExactly("bad@sink.example hard_bounce");
                assertThat(addresses(admin, "tenant-b")).as("never shared across tenants").isEmpty();

                // At RCPT: refused for that recipient only, for tenant A only.
                try (var s = session(h, "agent@a.example", a)) {
                    s.send("MAIL FROM:<agent@a.example>");
                    assertThat(s.send("RCPT TO:<Bad@Sink.example>"))
                            .startsWith("550 5.1.1 <Bad@sink.example> is on this tenant's suppression list (hard bounce since ");
                    assertThat(s.send("RCPT TO:<good@sink.example>")).startsWith("250");
                }
                try (var s = session(h, "agent@b.example", b)) {
                    s.send("MAIL FROM:<agent@b.example>");
                    assertThat(s.send("RCPT TO:<bad@sink.example>")).startsWith("250");
                }

                // Suppressed while waiting in the queue: never sent.
                var queued = send(h, "agent@a.example", a, "later@sink.example");
                var queueId = queued.substring(queued.lastIndexOf(' ') + 1);
                await().atMost(Duration.ofSeconds(20)).until(() -> state(admin, queueId).equals("waiting")
                        && expect(200, admin.get("/v1/queue/" + queueId)).get("recipients").get(0).get("attempts").asInt() >= 1);
                expect(201, admin.post("/v1/suppressions", Map.of("tenant", "tenant-a", "address", "later@sink.example")));
                later.set(false); // the remote would take it now
                await().atMost(Duration.ofSeconds(20)).until(() -> state(admin, queueId).equals("suppressed"));
                assertThat(mx.accepted).noneMatch(m -> m.contains("later@sink.example"));

                // Admin and tenant management; a tenant key sees only its own list.
                var tenantB = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "tenant-b")));
                expect(201, tenantB.post("/v1/suppressions", Map.of("address", "Opted-Out@Else.example", "reason", "unsubscribe")));
                assertThat(addresses(tenantB, null)).containsExactly("opted-out@else.example unsubscribe");
                expect(404, tenantB.get("/v1/suppressions?tenant=tenant-a"));
                expect(400, admin.post("/v1/suppressions", Map.of("tenant", "tenant-a", "address", "not-an-address")));
                expect(200, admin.delete("/v1/suppressions/bad@sink.example?tenant=tenant-a"));
                expect(404, admin.delete("/v1/suppressions/bad@sink.example?tenant=tenant-a"));
                assertThat(addresses(admin, "tenant-a")).containsExactly("later@sink.example admin");
            }
            // The list survives a restart (the in-memory index is rebuilt from the store).
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address()))) {
                assertThat(addresses(h.admin(), "tenant-a")).containsExactly("later@sink.example admin");
            }
        }
    }

    private static String provision(TestApi admin, String tenant, String domain) {
        admin.createTenant(tenant);
        admin.addDomain(tenant, domain);
        return admin.createMailbox("agent@" + domain).get("credentials").get("password").asText();
    }

    private static List<String> addresses(TestApi api, String tenant) {
        var out = new ArrayList<String>();
        JsonNode list = expect(200, api.get("/v1/suppressions" + (tenant == null ? "" : "?tenant=" + tenant))).get("suppressions");
        list.forEach(s -> out.add(s.get("address").asText() + " " + s.get("reason").asText()));
        return out;
    }

    private static String state(TestApi admin, String queueId) {
        var r = admin.get("/v1/queue/" + queueId);
        return r.status() == 200 ? r.json().get("recipients").get(0).get("state").asText() : "";
    }

    private static SmtpScript session(TestHerald h, String user, String password) throws Exception {
        var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS));
        s.hello();
        assertThat(s.authPlain(user, password)).startsWith("235");
        return s;
    }

    private static String send(TestHerald h, String from, String password, String... rcpts) throws Exception {
        try (var s = session(h, from, password)) {
            s.send("MAIL FROM:<" + from + ">");
            for (var r : rcpts) {
                assertThat(s.send("RCPT TO:<" + r + ">")).startsWith("250");
            }
            s.send("DATA");
            return s.send("From: " + from + "\r\nSubject: s\r\n\r\nhello\r\n.");
        }
    }
}
