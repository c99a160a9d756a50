package dev.herald.policy.pipeline;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Send budgets: the agent run (run.limit), the mailbox per sliding hour and 24 hours, the tenant
 * per sliding 24 hours and 30 days. Exhausted → Defer until the window frees a slot, naming the
 * limit; a run over its budget whose policy says run.over_budget = hold is held for approval.
 */
public final class BudgetStep implements PolicyStep {
    private final SendLedger ledger;

    public BudgetStep(SendLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public String name() {
        return "budget";
    }

    @Override
    public Verdict decide(SendRequest r, Instant now) {
        if (r.run().isPresent()) {
            var counter = ledger.run(r.tenantId(), r.run().get());
            long limit = r.limit("run.limit");
            if (counter.count(now) + r.pending() >= limit) {
                var what = "run " + r.run().get() + " has used its budget of " + limit + " messages";
                if ("hold".equals(r.policy().get("run.over_budget"))) {
                    return new Verdict.Hold(what + "; held for approval");
                }
                return defer(what, counter, limit, now);
            }
        }
        var checks = new Object[][] {
            {"mailbox.hourly_limit", "mailbox hourly limit", ledger.mailboxHour(r.mailboxId())},
            {"mailbox.daily_limit", "mailbox daily limit", ledger.mailboxDay(r.mailboxId())},
            {"tenant.daily_limit", "tenant daily limit", ledger.tenantDay(r.tenantId())},
            {"tenant.monthly_limit", "tenant monthly limit", ledger.tenantMonth(r.tenantId())},
        };
        for (var c : checks) {
            var counter = (SlidingCounter) c[2];
            long limit = r.limit((String) c[0]);
            if (counter.count(now) + r.pending() >= limit) {
                return defer(c[1] + " of " + limit + " messages reached", counter, limit, now);
            }
        }
        return Verdict.ACCEPT;
    }

    private static Verdict defer(String what, SlidingCounter counter, long limit, Instant now) {
        var until = counter.freesAt(now, Math.max(0, limit - 1));
        return new Verdict.Defer(until, what + "; resets at " + until.truncatedTo(ChronoUnit.SECONDS));
    }
}
