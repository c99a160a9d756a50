package dev.herald.policy.pipeline;

import java.time.Instant;

/**
 * Warm-up: on day N of its warm-up a sending domain sends at most the curve's cap
 * ({@code warmup.curve}) per UTC day, and so does a dedicated source address on its own day N;
 * the rest waits in the queue for the following days (Defer to the next midnight), never refused.
 * Only before sending: submission is not slowed by it.
 */
public final class WarmupStep implements PolicyStep {
    private final SendLedger ledger;
    private record Parsed(String text, WarmupCurve curve) {
    }

    private volatile Parsed last = new Parsed(WarmupCurve.DEFAULT, WarmupCurve.parse(WarmupCurve.DEFAULT));

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
        var midnight = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), 86_400L) * 86_400L + 86_400L);
        long day = r.warmup().domainDay();
        long cap = capOn(r.policy(), day);
        if (cap != Long.MAX_VALUE && ledger.domainToday(r.sendingDomain()).count(now) >= cap) {
            return new Verdict.Defer(midnight, "warm-up day " + day + " of " + r.sendingDomain() + ": today's cap of " + cap
                    + " messages reached; the rest leaves from " + midnight);
        }
        if (r.warmup().sourceAddress().isPresent()) {
            var address = r.warmup().sourceAddress().get();
            long sourceDay = r.warmup().sourceDay();
            long sourceCap = capOn(r.policy(), sourceDay);
            if (sourceCap != Long.MAX_VALUE && ledger.sourceToday(address).count(now) >= sourceCap) {
                return new Verdict.Defer(midnight, "warm-up day " + sourceDay + " of source address " + address + ": today's cap of "
                        + sourceCap + " messages reached; the rest leaves from " + midnight);
            }
        }
        return Verdict.ACCEPT;
    }

    /** The cap on warm-up day {@code day} under these policy values (warmup.curve, warmup.full_daily); Long.MAX_VALUE once warm. */
    public long capOn(java.util.Map<String, String> policy, long day) {
        return curve(policy.getOrDefault("warmup.curve", WarmupCurve.DEFAULT)).capOn(day,
                dev.herald.policy.PolicyNumbers.count(policy.get("warmup.full_daily")));
    }

    /** The curve is parsed once per distinct text, not per decision. */
    private WarmupCurve curve(String text) {
        var p = last;
        if (!p.text().equals(text)) {
            WarmupCurve c;
            try {
                c = WarmupCurve.parse(text);
            } catch (RuntimeException e) {
                c = WarmupCurve.parse(WarmupCurve.DEFAULT); // validated when set; a bad stored value falls back
            }
            p = new Parsed(text, c);
            last = p;
        }
        return p.curve();
    }
}
