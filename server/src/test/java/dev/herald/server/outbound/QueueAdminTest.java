package dev.herald.server.outbound;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The queue as an admin and a tenant see it: list with filters, show with every attempt and the
 * remote's reply, retry now, purge unsent; a tenant never sees or touches another's queue.
 */
class QueueAdminTest {
    @TempDir
    Path data;

    @Test
    void listShowRetryAndPurgeDeferredMail() throws Exception {
        var accepting = new AtomicBoolean(false);
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> accepting.get() ? "250 2.0.0 ok" : "451 4.3.0 try later")) {
            dns.mx("sink.example", 10, "mx.sink.example").mx("else.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.retry_schedule", "1h"))) {
                var admin = h.admin();
                admin.createTenant("acme");
                admin.addDomain("acme", "acme.com");
                var acmePassword = admin.createMailbox("agent@acme.com").get("credentials").get("password").asText();
                admin.createTenant("other");
                admin.addDomain("other", "other.com");
                var otherPassword = admin.createMailbox("bot@other.com").get("credentials").get("password").asText();
                var otherKey = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "other")));

                var m1 = submit(h, "agent@acme.com", acmePassword, "r1@sink.example", "r2@else.example");
                var m2 = submit(h, "agent@acme.com", acmePassword, "r3@sink.example");
                var o1 = submit(h, "bot@other.com", otherPassword, "x@sink.example");
                await().atMost(Duration.ofSeconds(20)).until(() -> entries(admin, "?state=waiting").stream()
                        .filter(e -> e.get("attempts").asInt() == 1).count() == 4);

                // Filters: tenant, destination domain, sending domain.
                assertThat(recipients(entries(admin, "?tenant=acme&to_domain=sink.example"))).containsExactly("r1@sink.example", "r3@sink.example");
                assertThat(recipients(entries(admin, "?domain=other.com"))).containsExactly("x@sink.example");
                assertThat(entries(admin, "?state=delivered")).isEmpty();
                assertThat(expect(400, admin.get("/v1/queue?state=lost")).toString()).contains("unknown state");

                // A tenant key: its own queue only; another tenant's message does not exist for it.
                assertThat(recipients(entries(otherKey, ""))).containsExactly("x@sink.example");
                assertThat(entries(otherKey, "?tenant=acme")).isNull();
                expect(404, otherKey.get("/v1/queue/" + m1));
                expect(404, otherKey.delete("/v1/queue/" + m1));
                expect(404, otherKey.post("/v1/queue/" + m1 + "/retry", Map.of()));

                // Show: each recipient with the attempt, the remote host and its full reply.
                var shown = expect(200, admin.get("/v1/queue/" + m1));
                assertThat(shown.get("tenant").asText()).isEqualTo("acme");
                assertThat(shown.get("recipients")).hasSize(2);
                var event = shown.get("recipients").get(0).get("events").get(0);
                assertThat(event.get("outcome").asText()).isEqualTo("waiting");
                assertThat(event.get("host").asText()).isEqualTo("mx.sink.example[127.0.0.1]:" + mx.port());
                assertThat(event.get("reply").asText()).isEqualTo("451 4.3.0 try later");

                // Purge one message; a purge that names nothing is refused.
                assertThat(expect(200, admin.delete("/v1/queue/" + m2)).get("purged").asInt()).isEqualTo(1);
                assertThat(expect(400, admin.post("/v1/queue/purge", Map.of())).toString()).contains("all=true");
                assertThat(state(admin, m2, "r3@sink.example")).isEqualTo("purged");

                // Retry one message now: delivered at once although its next attempt was an hour away.
                accepting.set(true);
                assertThat(expect(200, admin.post("/v1/queue/" + m1 + "/retry", Map.of())).get("retried").asInt()).isEqualTo(2);
                await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(state(admin, m1, "r1@sink.example"))
                        && "delivered".equals(state(admin, m1, "r2@else.example")));
                assertThat(state(admin, o1, "x@sink.example")).as("not retried: still an hour away").isEqualTo("waiting");

                // Bulk retry by tenant, with the tenant's own key.
                assertThat(expect(200, otherKey.post("/v1/queue/retry", Map.of())).get("retried").asInt()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(state(admin, o1, "x@sink.example")));
                assertThat(mx.accepted).as("the purged message never left").noneMatch(m -> m.contains("r3@sink.example"));
                assertThat(state(admin, m2, "r3@sink.example")).isEqualTo("purged");
                assertThat(expect(200, admin.post("/v1/queue/" + m1 + "/retry", Map.of())).get("retried").asInt())
                        .as("delivered entries are not retried").isZero();
            }
        }
    }

    private static String submit(TestHerald h, String from, String password, String... rcpts) throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain(from, password)).startsWith("235");
            s.send("MAIL FROM:<" + from + ">");
            for (var r : rcpts) {
                assertThat(s.send("RCPT TO:<" + r + ">")).startsWith("250");
            }
            s.send("DATA");
            var reply = s.send("From: " + from + "\r\nTo: " + String.join(", ", rcpts) + "\r\nSubject: queued\r\n\r\nhello " + String.join(" ", rcpts)
                    + "\r\n.");
            assertThat(reply).startsWith("250");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    /** The entries a caller sees, or null when the request is refused. */
    private static List<JsonNode> entries(TestApi api, String query) {
        var r = api.get("/v1/queue" + query);
        if (r.status() != 200) {
            return null;
        }
        var out = new ArrayList<JsonNode>();
        r.json().get("entries").forEach(out::add);
        return out;
    }

    private static List<String> recipients(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("recipient").asText()).sorted().toList();
    }

    private static String state(TestApi admin, String queueId, String recipient) {
        for (var r : expect(200, admin.get("/v1/queue/" + queueId)).get("recipients")) {
            if (r.get("recipient").asText().equals(recipient)) {
                return r.get("state").asText();
            }
        }
        return null;
    }
}
