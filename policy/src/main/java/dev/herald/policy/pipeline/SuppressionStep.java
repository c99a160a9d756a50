package dev.herald.policy.pipeline;

import java.time.Instant;
import java.util.Optional;

/** The tenant's suppression list (hard bounces, complaints, unsubscribes, admins): never sent to. */
public final class SuppressionStep implements PolicyStep {
    /** Why an address is suppressed for a tenant, if it is. */
    @FunctionalInterface
    public interface SuppressionList {
        Optional<String> reason(long tenantId, String address);
    }

    private final SuppressionList list;

    public SuppressionStep(SuppressionList list) {
        this.list = list;
    }

    @Override
    public String name() {
        return "suppression";
    }

    @Override
    public Verdict decide(SendRequest r, Instant now) {
        return list.reason(r.tenantId(), r.recipient().toLowerCase(java.util.Locale.ROOT))
                .<Verdict>map(why -> new Verdict.Reject(550, "5.1.1", "<" + r.recipient() + "> is on this tenant's suppression list (" + why + ")"))
                .orElse(Verdict.ACCEPT);
    }
}
