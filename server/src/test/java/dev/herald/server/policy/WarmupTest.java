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
 * Warm-up end to end: a domain added today and asked to send 1,000 messages sends exactly each
 * day's cap of the curve (50 on day 1, 58 on day 2, …), each day the next messages in the order they
 * were submitted, until all have left on day 11; nothing is refused. A day with too many bounces
 * does not advance the curve.
 */
class WarmupTest {
    /**
     * The next simulated day, half an hour after the same time: the breakers' 24-hour window keeps a
     * send up to one bucket (15 min) past 24 h, never less, so exactly 24 h later the first day would still count.
     */
    private static final Duration NEXT_DAY = Duration.ofDays(1).plusMinutes(30);
    private static final Pattern NUMBER = Pattern.compile("Subject: n=(\\d+)");

    @TempDir
    Path data;

    @Test
    void aThousandMessagesOnDayOneLeaveDayByDayAtTheCurvesCaps() throws Exception {
        var clock = new TestClock();
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = start(dns, mx, clock)) {
                var admin = h.admin();
                submit(h, admin, 1, 1_000, i -> "r" + i + "@sink.example");
                int total = 0;
                for (int day = 1; total < 1_000; day++) {
                    long cap = dev.herald.policy.pipeline.WarmupCurve.cap(day, 10_000);
                    int before = total;
                    total = (int) Math.min(1_000, total + cap);
                    assertThat(day(deliveredOn(mx, total), before, total)).as("day %d: the next %d", day, total - before)
                            .isEqualTo(range(before + 1, total));
                    var warmup = domainStats(admin).get("warmup");
                    assertThat(warmup.get("day").asLong()).as("warm-up day on day %d", day).isEqualTo(day);
                    assertThat(warmup.get("cap").asLong()).isEqualTo(cap);
                    assertThat(warmup.get("sent_today").asLong()).isEqualTo(total - before);
                    if (day == 1) {
                        var waiting = expect(200, admin.get("/v1/queue?tenant=fresh&state=waiting&limit=1")).get("entries").get(0);
                        assertThat(waiting.get("last_reply").asText()).startsWith("deferred by policy: warm-up day 1 of fresh.example: "
                                + "today's cap of 50 messages reached");
                        assertThat(waiting.get("attempts").asInt()).as("a policy deferral is not a delivery attempt").isZero();
                        assertThat(domainStats(admin).get("queue").get("warm-up").asLong()).isEqualTo(950);
                    }
                    clock.advance(Duration.ofDays(1));
                }
                assertThat(mx.accepted).hasSize(1_000);
            }
        }
    }

    @Test
    void aDayWithTooManyBouncesDoesNotAdvanceTheCurve() throws Exception {
        var clock = new TestClock();
        try (var dns = new LoopbackDnsServer();
             var mx = new ScriptedMx(n -> "250 2.0.0 ok", a -> a.startsWith("gone") ? "550 5.1.1 no such user" : "250 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = start(dns, mx, clock)) {
                var admin = h.admin();
                // Day 1: 50 leave, 5 of them to addresses that do not exist (a 10% bounce rate).
                submit(h, admin, 1, 120, i -> (i % 10 == 0 && i <= 50 ? "gone" : "r") + i + "@sink.example");
                deliveredOn(mx, 45);
                clock.advance(NEXT_DAY);
                assertThat(day(deliveredOn(mx, 95), 45, 95)).as("day 2 is still warm-up day 1: 50 leave, all accepted")
                        .isEqualTo(range(51, 100));
                assertThat(domainStats(admin).get("warmup").get("day").asLong()).isEqualTo(1);
                clock.advance(NEXT_DAY);
                // Day 2 was healthy: warm-up day 2, a cap of 58 for the 20 left.
                deliveredOn(mx, 115);
                assertThat(domainStats(admin).get("warmup").get("day").asLong()).isEqualTo(2);
                assertThat(domainStats(admin).get("warmup").get("cap").asLong()).isEqualTo(58);
            }
        }
    }

    @Test
    void aRestartKeepsTheDaysWarmupCountAndThePace() throws Exception {
        var clock = new TestClock();
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            dns.mx("paced.example", 10, "mx.sink.example");
            try (var h = start(dns, mx, clock)) {
                var admin = h.admin();
                var password = submit(h, admin, 1, 30, i -> "r" + i + "@sink.example");
                deliveredOn(mx, 30);
                assertThat(domainStats(admin).get("warmup").get("sent_today").asLong()).isEqualTo(30);

                h.restart();
                var again = h.admin();
                assertThat(domainStats(again).get("warmup").get("sent_today").asLong()).as("after the restart").isEqualTo(30);
                // The day's cap is 50: 20 more leave today, not 50.
                send(h, password, 31, 80, i -> "r" + i + "@sink.example");
                assertThat(deliveredOn(mx, 50)).hasSize(50);

                // Pacing, too: one a minute to paced.example; the one sent before a restart still counts.
                clock.advance(Duration.ofDays(1));
                deliveredOn(mx, 80); // day 2: the 30 held back by yesterday's cap
                expect(200, again.patch("/v1/policy?tenant=fresh", Map.of("recipient_domain.per_minute", "1")));
                send(h, password, 81, 81, i -> "p" + i + "@paced.example");
                deliveredOn(mx, 81);
                h.restart();
                send(h, password, 82, 82, i -> "p" + i + "@paced.example");
                Thread.sleep(2_000);
                assertThat(mx.accepted).as("the second paced message waits for its minute, restart or not").hasSize(81);
                clock.advance(Duration.ofSeconds(61));
                deliveredOn(mx, 82);
            }
        }
    }

    private TestHerald start(LoopbackDnsServer dns, ScriptedMx mx, TestClock clock) {
        var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                String.valueOf(mx.port()), "outbound.allow_private_mx", "true"), clock);
        var admin = h.admin();
        admin.liftSendLimits();
        expect(200, admin.patch("/v1/policy", Map.of("warmup.enabled", "true"))); // the one limit under test
        admin.createTenant("fresh");
        admin.addDomain("fresh", "fresh.example");
        return h;
    }

    /** Submits messages n=from..to, each to one recipient, over one session; every one is accepted. */
    private static String submit(TestHerald h, dev.herald.server.testing.TestApi admin, int from, int to,
                                 java.util.function.IntFunction<String> recipient) throws Exception {
        var password = admin.createMailbox("news@fresh.example").get("credentials").get("password").asText();
        send(h, password, from, to, recipient);
        return password;
    }

    private static void send(TestHerald h, String password, int from, int to, java.util.function.IntFunction<String> recipient)
            throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain("news@fresh.example", password)).startsWith("235");
            for (int i = from; i <= to; i++) {
                s.send("MAIL FROM:<news@fresh.example>");
                assertThat(s.send("RCPT TO:<" + recipient.apply(i) + ">")).startsWith("250");
                s.send("DATA");
                assertThat(s.send("From: news@fresh.example\r\nSubject: n=" + i + "\r\n\r\nhello\r\n.")).as("never refused")
                        .startsWith("250");
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode domainStats(dev.herald.server.testing.TestApi admin) {
        return expect(200, admin.get("/v1/stats?domain=fresh.example")).get("tenants").get(0).get("domains").get(0);
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
