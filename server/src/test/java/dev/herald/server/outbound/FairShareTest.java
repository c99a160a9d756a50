package dev.herald.server.outbound;

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

/**
 * Fairness, on counts: tenant A has 20,000 bulk messages queued, then tenant B submits 10
 * transactional ones. All of B's reach the remote before A's backlog advances another 10% (2,000
 * messages).
 */
class FairShareTest {
    @TempDir
    Path data;

    @Test
    void aBulkBacklogDoesNotStarveAnotherTenant() throws Exception {
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            var settings = Map.of("dns.resolver", dns.address(), "outbound.port", String.valueOf(mx.port()),
                    "outbound.allow_private_mx", "true", "smtp.max_connections_per_client", "100");
            String passwordB;
            // A's backlog is queued with outbound delivery off, so that it is all still there when B
            // submits, however fast submission or delivery is on the machine running the test.
            try (var h = TestHerald.start(data, with(settings, "outbound.enabled", "false"))) {
                var admin = h.admin();
                admin.liftSendLimits();
                var a = provision(admin, "tenant-a", "a.example");
                passwordB = provision(admin, "tenant-b", "b.example");
                send(h, "agent@a.example", a, 20_000, "bulk");
            }
            try (var h = TestHerald.start(data, with(settings, "outbound.enabled", "true"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> count(mx, "tenant-a") > 0);
                int aBefore = count(mx, "tenant-a");
                send(h, "agent@b.example", passwordB, 10, "transactional");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> count(mx, "tenant-b") == 10);
                int aAfter = count(mx, "tenant-a");
                System.err.printf("FairShareTest: A had %d of 20000 delivered when B submitted, %d when B's 10 were all delivered%n",
                        aBefore, aAfter);
                assertThat(aAfter - aBefore).as("A's progress while B's 10 went out").isLessThan(2_000);
                assertThat(aBefore).as("A's backlog was still there when B submitted").isLessThan(18_000);
            }
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        var all = new java.util.HashMap<>(settings);
        all.put(key, value);
        return all;
    }

    private static String provision(dev.herald.server.testing.TestApi admin, String tenant, String domain) {
        admin.createTenant(tenant);
        admin.addDomain(tenant, domain);
        return admin.createMailbox("agent@" + domain).get("credentials").get("password").asText();
    }

    private static void send(TestHerald h, String from, String password, int n, String stream) throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain(from, password)).startsWith("235");
            var body = "From: " + from + "\r\nSubject: x\r\nX-Herald-Stream: " + stream + "\r\nX-Tenant-Tag: "
                    + (from.endsWith("a.example") ? "tenant-a" : "tenant-b") + "\r\n\r\nhi\r\n";
            var bytes = body.length();
            var batch = new StringBuilder();
            for (int i = 0; i < n; i++) {
                // Pipelined: MAIL, RCPT and BDAT LAST in one write; replies read after.
                batch.append("MAIL FROM:<").append(from).append(">\r\nRCPT TO:<r").append(i).append("@sink.example>\r\nBDAT ")
                        .append(bytes).append(" LAST\r\n").append(body);
                if (batch.length() > 64_000 || i == n - 1) {
                    s.write(batch.toString());
                    batch.setLength(0);
                }
            }
            for (int i = 0; i < n * 3; i++) {
                assertThat(s.reply()).startsWith("250");
            }
        }
    }

    private static int count(ScriptedMx mx, String tag) {
        return (int) mx.accepted.stream().filter(m -> m.contains("X-Tenant-Tag: " + tag)).count();
    }
}
