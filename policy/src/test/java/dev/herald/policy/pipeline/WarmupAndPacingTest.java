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

    private static SendRequest request(String rcpt, long day, Map<String, String> policy) {
        return request(rcpt, WarmupAge.ofDomain(day), policy);
    }

    private static SendRequest request(String rcpt, WarmupAge age, Map<String, String> policy) {
        var all = new HashMap<String, String>();
        dev.herald.policy.PolicyCatalog.all().forEach(s -> all.put(s.name(), s.defaultValue()));
        all.putAll(policy);
        return new SendRequest(1, 10, 100, "news.acme.com", rcpt, Optional.empty(), "bulk", all, 0,
                age);
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
        assertThat(WarmupCurve.cap(21, Long.MAX_VALUE)).isEqualTo(500);
        assertThat(WarmupCurve.cap(30, Long.MAX_VALUE)).as("towards an unlimited allocation: no cap, not an overflow").isEqualTo(Long.MAX_VALUE);
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
            assertThat(step.decide(request("r@gmail.com", 1, Map.of()), now)).isEqualTo(Verdict.ACCEPT);
            ledger.recordLeaving(1, "news.acme.com", "gmail.com", now);
        }
        var v = (Verdict.Defer) step.decide(request("r@gmail.com", 1, Map.of()), now);
        assertThat(v.until()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(v.reason()).startsWith("warm-up day 1 of news.acme.com: today's cap of 50 messages reached");
        assertThat(step.decide(request("r@gmail.com", 2, Map.of()), now)).as("day 2's cap is 58").isEqualTo(Verdict.ACCEPT);
        // The UTC day's count starts afresh at midnight.
        var nextDay = Instant.parse("2026-11-22T00:00:01Z");
        assertThat(step.decide(request("r@gmail.com", 1, Map.of()), nextDay)).isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("r@gmail.com", 1, Map.of("warmup.enabled", "false")), now)).isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("r@gmail.com", 46, Map.of()), now)).as("a warm domain").isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void aConfiguredCurveAndItsValidation() {
        var curve = WarmupCurve.parse(" 1:10, 3:30 ,5:full");
        assertThat(curve.text()).isEqualTo("1:10,3:30,5:full");
        assertThat(curve.capOn(1, 100)).isEqualTo(10);
        assertThat(curve.capOn(2, 100)).isEqualTo(20);
        assertThat(curve.capOn(4, 100)).isEqualTo(65);
        assertThat(curve.capOn(5, 100)).isEqualTo(100);
        assertThat(curve.capOn(6, 100)).isEqualTo(Long.MAX_VALUE);
        assertThat(WarmupCurve.parse(WarmupCurve.DEFAULT).capOn(22, 10_000)).isEqualTo(WarmupCurve.cap(22, 10_000));
        for (var bad : new String[] {"2:50", "1:50,1:60", "1:x", "1:-5", "", "1-50"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> WarmupCurve.parse(bad)).as(bad)
                    .isInstanceOf(dev.herald.policy.PolicyValueException.class);
        }
        var ledger = new SendLedger();
        var step = new WarmupStep(ledger);
        var now = ADDED.plus(Duration.ofHours(1));
        var policy = Map.of("warmup.curve", "1:2,10:full");
        for (int i = 0; i < 2; i++) {
            assertThat(step.decide(request("r@gmail.com", 1, policy), now)).isEqualTo(Verdict.ACCEPT);
            ledger.recordLeaving(1, "news.acme.com", "gmail.com", now);
        }
        assertThat(step.decide(request("r@gmail.com", 1, policy), now)).isInstanceOf(Verdict.Defer.class);
    }

    @Test
    void aDedicatedSourceAddressWarmsUpOnItsOwn() {
        var ledger = new SendLedger();
        var step = new WarmupStep(ledger);
        var now = ADDED.plus(Duration.ofHours(1));
        // A warm domain (day 60) moved onto a fresh address (day 1): the address's cap of 50 applies.
        var age = new WarmupAge(60, Optional.of("192.0.2.7"), 1);
        for (int i = 0; i < 50; i++) {
            assertThat(step.decide(request("r@gmail.com", age, Map.of()), now)).isEqualTo(Verdict.ACCEPT);
            ledger.recordLeaving(1, "news.acme.com", Optional.of("192.0.2.7"), "gmail.com", now);
        }
        var v = (Verdict.Defer) step.decide(request("r@gmail.com", age, Map.of()), now);
        assertThat(v.reason()).startsWith("warm-up day 1 of source address 192.0.2.7: today's cap of 50 messages reached");
        assertThat(step.decide(request("r@gmail.com", WarmupAge.ofDomain(60), Map.of()), now)).as("the same domain from another address")
                .isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void pacingPerRecipientDomainFromTheDomainAndTheTenant() {
        var ledger = new SendLedger();
        var step = new RecipientDomainPacingStep(ledger);
        var now = Instant.parse("2026-11-21T10:00:05Z");
        var policy = Map.of("recipient_domain.per_minute", "3");
        // Three a minute, spread: one every 20 s, not three at once.
        assertThat(step.decide(request("a@gmail.com", 1, policy), now)).isEqualTo(Verdict.ACCEPT);
        ledger.recordLeaving(1, "news.acme.com", "gmail.com", now);
        var v = (Verdict.Defer) step.decide(request("b@gmail.com", 1, policy), now.plusSeconds(1));
        assertThat(v.until()).isEqualTo(now.plusSeconds(20));
        assertThat(v.reason()).isEqualTo("pacing: 3 messages a minute to gmail.com; next slot at 2026-11-21T10:00:25Z");
        assertThat(step.decide(request("b@yahoo.com", 1, policy), now)).as("another recipient domain").isEqualTo(Verdict.ACCEPT);
        // Another domain of the same tenant shares the tenant's pace to gmail.com.
        var sibling = new SendRequest(1, 10, 101, "acme.com", "c@gmail.com", Optional.empty(), "bulk", policy, 0, WarmupAge.ofDomain(1));
        assertThat(step.decide(sibling, now.plusSeconds(1))).isInstanceOf(Verdict.Defer.class);
        assertThat(step.decide(request("b@gmail.com", 1, policy), now.plusSeconds(20))).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void pacedMailHoldsTheLimitInEverySlidingMinute() {
        // Whatever the backlog, simulate a scheduler looking every 100 ms and sending what is admitted.
        var ledger = new SendLedger();
        var step = new RecipientDomainPacingStep(ledger);
        var policy = Map.of("recipient_domain.per_minute", "10");
        var start = Instant.parse("2026-11-21T10:00:03.250Z");
        var sent = new java.util.ArrayList<Instant>();
        for (var t = start; t.isBefore(start.plusSeconds(600)); t = t.plusMillis(100)) {
            if (step.decide(request("x@gmail.com", 1, policy), t) == Verdict.ACCEPT) {
                ledger.recordLeaving(1, "news.acme.com", "gmail.com", t);
                sent.add(t);
            }
        }
        assertThat(sent.size()).isBetween(95, 100);
        for (int i = 0; i < sent.size(); i++) {
            final var from = sent.get(i);
            long inWindow = sent.stream().filter(x -> !x.isBefore(from) && x.isBefore(from.plusSeconds(60))).count();
            assertThat(inWindow).as("sliding minute from %s", from).isLessThanOrEqualTo(10);
            if (i > 0) {
                assertThat(java.time.Duration.between(sent.get(i - 1), from)).as("spread, not a burst").isGreaterThanOrEqualTo(
                        java.time.Duration.ofSeconds(6));
            }
        }
    }
}
