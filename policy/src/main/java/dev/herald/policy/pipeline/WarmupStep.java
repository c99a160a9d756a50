package dev.herald.policy.pipeline;

import java.time.Duration;
import java.time.Instant;

/**
 * Warm-up of a new sending domain: on day N since it was added, at most {@link WarmupCurve#cap}
 * messages leave per UTC day; the rest waits in the queue for the following days (Defer to the next
 * midnight), never refused. Only before sending: submission is not slowed by it.
 */
public final class WarmupStep implements PolicyStep {
    private final SendLedger ledger;

    public WarmupStep(SendLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public String name() {
        return "warm-up";
    }

    @Override
    public Verdict decide(SendRequest r, Instant now) {
        if (!r.flag("warmup.enabled")) {
            return Verdict.ACCEPT;
        }
        long day = Duration.between(r.domainSince(), now).toDays() + 1;
        long cap = WarmupCurve.cap(day, r.limit("warmup.full_daily"));
        if (cap == Long.MAX_VALUE) {
            return Verdict.ACCEPT;
        }
        var today = ledger.domainToday(r.sendingDomain());
        if (today.count(now) >= cap) {
            var midnight = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), 86_400L) * 86_400L + 86_400L);
            return new Verdict.Defer(midnight, "warm-up day " + day + " of " + r.sendingDomain() + ": today's cap of " + cap
                    + " messages reached; the rest leaves from " + midnight);
        }
        return Verdict.ACCEPT;
    }
}
