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

/**
 * recipient_domain.per_minute measured where it matters, at a receiving MX counting a sliding
 * window: 16 messages queued at once to one domain at 60 a minute arrive spread one a second, not
 * in a burst, and no window holds more than the rate allows. (The minute-scale property with a
 * simulated clock: WarmupAndPacingTest.pacedMailHoldsTheLimitInEverySlidingMinute.)
 */
class PacingTest {
    @TempDir
    Path data;

    @Test
    void pacedMailArrivesSpreadOverTheWindow() throws Exception {
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("gmail.example", 10, "mx.gmail.example").a("mx.gmail.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.poll_interval", "100ms"))) {
                var admin = h.admin();
                admin.liftSendLimits();
                expect(200, admin.patch("/v1/policy", Map.of("recipient_domain.per_minute", "60")));
                admin.createTenant("acme");
                admin.addDomain("acme", "acme.com");
                var password = admin.createMailbox("news@acme.com").get("credentials").get("password").asText();
                int n = 16;
                try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
                    s.hello();
                    assertThat(s.authPlain("news@acme.com", password)).startsWith("235");
                    for (int i = 0; i < n; i++) {
                        s.send("MAIL FROM:<news@acme.com>");
                        assertThat(s.send("RCPT TO:<r" + i + "@gmail.example>")).startsWith("250");
                        s.send("DATA");
                        assertThat(s.send("From: news@acme.com\r\nSubject: paced " + i + "\r\n\r\nhi\r\n.")).startsWith("250");
                    }
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> mx.acceptedAt.size() == n);
                var at = mx.acceptedAt.stream().sorted().toList();
                assertThat(Duration.between(at.get(0), at.get(n - 1))).as("16 at one a second").isGreaterThanOrEqualTo(Duration.ofSeconds(14));
                // Every sliding 5-second window at the receiver: at most 5 (the rate) plus one for the scheduler's poll jitter.
                for (var from : at) {
                    long inWindow = at.stream().filter(t -> !t.isBefore(from) && t.isBefore(from.plusSeconds(5))).count();
                    assertThat(inWindow).as("window from %s", from).isLessThanOrEqualTo(6);
                }
                for (int i = 1; i < n; i++) {
                    assertThat(Duration.between(at.get(i - 1), at.get(i))).as("no burst").isGreaterThan(Duration.ofMillis(500));
                }
            }
        }
    }
}
