package dev.herald.server.events;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tenants on one server, a remote MX on loopback that accepts, defers once, refuses an
 * address, and a complaint: each tenant's stats hold exactly its own counts and rates, and the
 * trace of the deferred message lists every step in order with the remote's replies.
 */
class ObservabilityTest {
    @TempDir
    Path data;

    @Test
    void statsPerTenantAndTheTraceOfADeferredMessage() throws Exception {
        Set<String> deferredOnce = ConcurrentHashMap.newKeySet();
        try (var dns = new LoopbackDnsServer();
             var mx = new ScriptedMx(n -> "250 2.0.0 queued", rcpt -> rcpt.startsWith("gone") ? "550 5.1.1 no such user"
                     : rcpt.startsWith("later") && deferredOnce.add(rcpt) ? "451 4.3.0 greylisted, come back later" : "250 2.1.5 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.retry_schedule", "1s"))) {
                var admin = h.admin();
                admin.liftSendLimits();
                var alpha = provision(admin, "alpha", "alpha.example", "a");
                var beta = provision(admin, "beta", "beta.example", "b");
                String laterQueueId;
                try (var s = session(h, "a@alpha.example", alpha)) {
                    send(s, "a@alpha.example", "ok1@sink.example", "<ok1@alpha.example>");
                    send(s, "a@alpha.example", "ok2@sink.example", "<ok2@alpha.example>");
                    laterQueueId = send(s, "a@alpha.example", "later1@sink.example", "<later1@alpha.example>");
                    send(s, "a@alpha.example", "gone1@sink.example", "<gone1@alpha.example>");
                }
                try (var s = session(h, "b@beta.example", beta)) {
                    send(s, "b@beta.example", "ok3@sink.example", "<ok3@beta.example>");
                    send(s, "b@beta.example", "ok4@sink.example", "<ok4@beta.example>");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> mx.accepted.size() == 5);
                // ok3's reader complains.
                var ok3Path = mx.envelopes.stream().filter(e -> e.endsWith(" ok3@sink.example")).findFirst().orElseThrow().split(" ")[0];
                var arf = new String(ObservabilityTest.class.getResourceAsStream("/feedback/yahoo-arf.eml").readAllBytes(), StandardCharsets.UTF_8)
                        .replace("{{VERP}}", ok3Path);
                try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
                    s.hello();
                    s.send("MAIL FROM:<fbl@feedback.example>");
                    assertThat(s.send("RCPT TO:<fbl@mx.herald.test>")).startsWith("250");
                    s.send("DATA");
                    assertThat(s.send(arf + "\r\n.")).startsWith("250");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> tenant(admin, "beta").get("complained").asLong() == 1);

                var a = tenant(admin, "alpha");
                assertThat(counts(a)).isEqualTo(Map.of("accepted", 4L, "sent", 4L, "delivered", 3L, "deferred", 1L, "bounced", 1L,
                        "complained", 0L, "suppressed", 1L));
                assertThat(a.get("delivery_rate").asDouble()).isEqualTo(0.75);
                assertThat(a.get("bounce_rate").asDouble()).isEqualTo(0.25);
                assertThat(a.get("complaint_rate").asDouble()).isZero();
                var b = tenant(admin, "beta");
                assertThat(counts(b)).isEqualTo(Map.of("accepted", 2L, "sent", 2L, "delivered", 2L, "deferred", 0L, "bounced", 0L,
                        "complained", 1L, "suppressed", 1L));
                assertThat(b.get("delivery_rate").asDouble()).isEqualTo(1.0);
                assertThat(b.get("bounce_rate").asDouble()).isZero();
                assertThat(b.get("complaint_rate").asDouble()).isEqualTo(0.5);
                // A tenant's own key sees the same, and nothing of the other.
                var betaKey = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "beta")));
                assertThat(counts(expect(200, betaKey.get("/v1/stats")).get("tenants").get(0))).isEqualTo(counts(b));
                expect(404, betaKey.get("/v1/stats?tenant=alpha"));

                // The trace of the message deferred once, by Message-ID and by queue id: every step, in order.
                for (var id : new String[] {"later1@alpha.example", "<later1@alpha.example>", laterQueueId}) {
                    var trace = expect(200, admin.get("/v1/trace/" + TestApi.enc(id)));
                    var message = trace.get("messages").get(0);
                    assertThat(message.get("queue_id").asText()).isEqualTo(laterQueueId);
                    assertThat(message.get("message_id").asText()).isEqualTo("<later1@alpha.example>");
                    var steps = new ArrayList<String>();
                    message.get("events").forEach(e -> steps.add(e.get("event").asText()));
                    assertThat(steps).as(id).containsExactly("accepted", "queued", "deferred", "delivered");
                    var events = message.get("events");
                    assertThat(events.get(0).get("detail").asText()).contains("submission").contains("AUTH a@alpha.example").contains("TLS");
                    assertThat(events.get(2).get("detail").asText()).contains("127.0.0.1").contains("451 4.3.0 greylisted, come back later");
                    assertThat(events.get(3).get("detail").asText()).contains("127.0.0.1").contains("250");
                    assertThat(message.get("queue").get(0).get("state").asText()).isEqualTo("delivered");
                    assertThat(message.get("queue").get(0).get("attempts").asInt()).isEqualTo(2);
                }
                expect(404, betaKey.get("/v1/trace/" + laterQueueId));
                expect(404, admin.get("/v1/trace/" + TestApi.enc("<never@alpha.example>")));
            }
        }
    }

    private static Map<String, Long> counts(JsonNode tenant) {
        var out = new java.util.TreeMap<String, Long>();
        for (var k : new String[] {"accepted", "sent", "delivered", "deferred", "bounced", "complained", "suppressed"}) {
            out.put(k, tenant.get(k).asLong());
        }
        return out;
    }

    private static JsonNode tenant(TestApi admin, String name) {
        return expect(200, admin.get("/v1/stats?tenant=" + name + "&window=1h")).get("tenants").get(0);
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

    /** @return the queue id from "250 … queued as ID" */
    private static String send(SmtpScript s, String from, String rcpt, String messageId) throws Exception {
        s.send("MAIL FROM:<" + from + ">");
        assertThat(s.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
        s.send("DATA");
        var reply = s.send("From: " + from + "\r\nMessage-ID: " + messageId + "\r\nSubject: hello\r\n\r\nhello\r\n.");
        assertThat(reply).startsWith("250");
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }
}
