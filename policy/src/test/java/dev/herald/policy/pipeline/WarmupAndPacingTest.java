package dev.herald.policy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WarmupAndPacingTest {
    private static final Instant ADDED = Instant.parse("2026-11-21T09:30:00Z");

    private static SendRequest request(String rcpt, Instant domainSince, Map<String, String> policy) {
        var all = new HashMap<String, String>();
        dev.herald.policy.PolicyCatalog.all().forEach(s -> all.put(s.name(), s.defaultValue()));
        all.putAll(policy);
        return new SendRequest(1, 10, 100, "news.acme.com", rcpt, Optional.empty(), "bulk", all, 0, domainSince);
    }

    @Test
    void theCurveByDay() {
        assertThat(WarmupCurve.cap(1, 10_000)).isEqualTo(50);
        assertThat(WarmupCurve.cap(4, 10_000)).isEqualTo(75);
        assertThat(WarmupCurve.cap(7, 10_000)).isEqualTo(100);
        assertThat(WarmupCurve.cap(8, 10_000)).isEqualTo(128);
        assertThat(WarmupCurve.cap(21, 10_000)).isEqualTo(500);
        assertThat(WarmupCurve.cap(22, 10_000)).isEqualTo(895);
        assertThat(WarmupCurve.cap(45, 10_000)).isEqualTo(10_000);
        assertThat(WarmupCurve.cap(46, 10_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(WarmupCurve.cap(30, 200)).as("a full allocation below 500 stays at 500").isEqualTo(500);
        for (long d = 1; d < 45; d++) {
            assertThat(WarmupCurve.cap(d + 1, 10_000)).as("day %d", d + 1).isGreaterThanOrEqualTo(WarmupCurve.cap(d, 10_000));
        }
    }

    @Test
    void aNewDomainSendsTodaysCapThenWaitsForMidnight() {
        var ledger = new SendLedger();
        var step = new WarmupStep(ledger);
        var now = ADDED.plus(Duration.ofHours(2));
        for (int i = 0; i < 50; i++) {
            assertThat(step.decide(request("r@gmail.com", ADDED, Map.of()), now)).isEqualTo(Verdict.ACCEPT);
            ledger.recordLeaving(1, "news.acme.com", "gmail.com", now);
        }
        var v = (Verdict.Defer) step.decide(request("r@gmail.com", ADDED, Map.of()), now);
        assertThat(v.until()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(v.reason()).startsWith("warm-up day 1 of news.acme.com: today's cap of 50 messages reached");
        // Day 2 starts 24 h after the domain was added; the UTC day's count starts at midnight.
        var dayTwo = Instant.parse("2026-11-22T10:00:00Z");
        assertThat(step.decide(request("r@gmail.com", ADDED, Map.of()), dayTwo)).isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("r@gmail.com", ADDED, Map.of("warmup.enabled", "false")), now)).isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("r@gmail.com", ADDED.minus(Duration.ofDays(60)), Map.of()), now)).as("a warm domain")
                .isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void pacingPerRecipientDomainFromTheDomainAndTheTenant() {
        var ledger = new SendLedger();
        var step = new RecipientDomainPacingStep(ledger);
        var now = Instant.parse("2026-11-21T10:00:05Z");
        var policy = Map.of("recipient_domain.per_minute", "3");
        for (int i = 0; i < 3; i++) {
            assertThat(step.decide(request("a@gmail.com", ADDED, policy), now)).isEqualTo(Verdict.ACCEPT);
            ledger.recordLeaving(1, "news.acme.com", "gmail.com", now);
        }
        var v = (Verdict.Defer) step.decide(request("b@gmail.com", ADDED, policy), now);
        assertThat(v.until()).isEqualTo(Instant.parse("2026-11-21T10:01:00Z"));
        assertThat(v.reason()).isEqualTo("pacing: 3 messages a minute to gmail.com; next slot at 2026-11-21T10:01:00Z");
        assertThat(step.decide(request("b@yahoo.com", ADDED, policy), now)).as("another recipient domain").isEqualTo(Verdict.ACCEPT);
        // Another domain of the same tenant shares the tenant's pace to gmail.com.
        var sibling = new SendRequest(1, 10, 101, "acme.com", "c@gmail.com", Optional.empty(), "bulk", policy, 0, ADDED);
        assertThat(step.decide(sibling, now)).isInstanceOf(Verdict.Defer.class);
        assertThat(step.decide(request("b@gmail.com", ADDED, policy), Instant.parse("2026-11-21T10:01:00Z"))).isEqualTo(Verdict.ACCEPT);
    }
}
