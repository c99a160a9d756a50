package dev.herald.policy.pipeline;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * recipient_domain.per_minute: at most that many messages a minute from one sending domain, and
 * from one tenant, to one recipient domain (gmail.com, say). Before sending only: the excess is
 * accepted and trickled out as the minute frees slots, never refused.
 */
public final class RecipientDomainPacingStep implements PolicyStep {
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
        var to = r.recipientDomain();
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
