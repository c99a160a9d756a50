package dev.herald.server.policy;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.outbound.ScriptedMx;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestClock;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm-up end to end: a domain added today and asked to send 120 messages sends exactly day 1's
 * cap (50), then day 2's (58) on the next (simulated) day, then the rest, each day in the order
 * the messages were submitted; nothing is refused.
 */
class WarmupTest {
    private static final Pattern NUMBER = Pattern.compile("Subject: n=(\\d+)");

    @TempDir
    Path data;

    @Test
    void aNewDomainSendsEachDaysCapAndTheRestOnTheFollowingDays() throws Exception {
        var clock = new TestClock();
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true"), clock)) {
                var admin = h.admin();
                admin.liftSendLimits();
                expect(200, admin.patch("/v1/policy", Map.of("warmup.enabled", "true"))); // the one limit under test
                admin.createTenant("fresh");
                admin.addDomain("fresh", "fresh.example");
                var password = admin.createMailbox("news@fresh.example").get("credentials").get("password").asText();
                try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
                    s.hello();
                    assertThat(s.authPlain("news@fresh.example", password)).startsWith("235");
                    for (int i = 1; i <= 120; i++) {
                        s.send("MAIL FROM:<news@fresh.example>");
                        assertThat(s.send("RCPT TO:<r" + i + "@sink.example>")).startsWith("250");
                        s.send("DATA");
                        assertThat(s.send("From: news@fresh.example\r\nSubject: n=" + i + "\r\n\r\nhello\r\n.")).as("never refused")
                                .startsWith("250");
                    }
                }

                assertThat(day(deliveredOn(mx, 50), 0, 50)).as("day 1: the cap, the first submitted").isEqualTo(range(1, 50));
                var waiting = expect(200, admin.get("/v1/queue?tenant=fresh&state=waiting&limit=1")).get("entries").get(0);
                assertThat(waiting.get("last_reply").asText()).startsWith("deferred by policy: warm-up day 1 of fresh.example: "
                        + "today's cap of 50 messages reached");
                assertThat(waiting.get("attempts").asInt()).as("a policy deferral is not a delivery attempt").isZero();

                clock.advance(Duration.ofDays(1).plusMinutes(1));
                assertThat(day(deliveredOn(mx, 108), 50, 108)).as("day 2: the next 58").isEqualTo(range(51, 108));
                clock.advance(Duration.ofDays(1));
                assertThat(day(deliveredOn(mx, 120), 108, 120)).as("day 3: the rest").isEqualTo(range(109, 120));
            }
        }
    }

    /** Waits for {@code total} deliveries, checks that no more leave for a few polls, returns the numbers in arrival order. */
    private static List<Integer> deliveredOn(ScriptedMx mx, int total) throws InterruptedException {
        await().atMost(Duration.ofSeconds(30)).until(() -> mx.accepted.size() >= total);
        Thread.sleep(1_500); // several scheduler polls: nothing beyond the cap may leave
        assertThat(mx.accepted).hasSize(total);
        var numbers = mx.accepted.stream().map(m -> {
            var matcher = NUMBER.matcher(m);
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
        }).toList();
        return numbers;
    }

    /** One day's deliveries, sorted: concurrent workers may swap neighbours within a day; which messages leave on which day is what must hold. */
    private static List<Integer> day(List<Integer> numbers, int from, int to) {
        return numbers.subList(from, to).stream().sorted().toList();
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to).boxed().toList();
    }
}
