package dev.herald.policy.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.time.temporal.ChronoUnit;

/**
 * recipient_domain.per_minute: at most that many messages a minute from one sending domain, and
 * from one tenant, to one recipient domain (gmail.com, say), over every sliding minute. Before
 * sending only: the excess is accepted and trickled out, never refused. Paced mail is spread over
 * the minute, not released in bursts: as GCRA with no burst tolerance, a message leaves no sooner
 * than a minute / limit after the last one (10 a minute: one every 6 s); a sliding count over the
 * last minute (one-second buckets, never early) holds the limit even when the spacing state is gone.
 */
public final class RecipientDomainPacingStep implements PolicyStep {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final SendLedger ledger;

    public RecipientDomainPacingStep(SendLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public String name() {
        return "recipient-domain-pacing";
    }

    @Override
    public Verdict decide(SendRequest r, Instant now) {
        long limit = r.limit("recipient_domain.per_minute");
        if (limit == Long.MAX_VALUE) {
            return Verdict.ACCEPT;
        }
        var to = r.recipientDomain();
        if (limit <= 0) {
            return new Verdict.Defer(now.plus(MINUTE), "pacing: recipient_domain.per_minute is 0 for " + to);
        }
        var interval = MINUTE.dividedBy(limit);
        for (var last : List.of(ledger.lastFromDomain(r.sendingDomain(), to), ledger.lastFromTenant(r.tenantId(), to))) {
            if (last.isPresent() && now.isBefore(last.get().plus(interval))) {
                var until = last.get().plus(interval);
                return new Verdict.Defer(until, "pacing: " + limit + " messages a minute to " + to + "; next slot at "
                        + until.truncatedTo(ChronoUnit.MILLIS));
            }
        }
        for (var counter : new SlidingCounter[] {ledger.paceFromDomain(r.sendingDomain(), to), ledger.paceFromTenant(r.tenantId(), to)}) {
            if (counter.count(now) >= limit) {
                var until = counter.freesAt(now, Math.max(0, limit - 1));
                return new Verdict.Defer(until, "pacing: " + limit + " messages a minute to " + to + "; next slot at "
                        + until.truncatedTo(ChronoUnit.SECONDS));
            }
        }
        return Verdict.ACCEPT;
    }
}
