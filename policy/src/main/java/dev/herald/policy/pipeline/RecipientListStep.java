package dev.herald.policy.pipeline;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * outbound.block and outbound.allow: exact addresses or whole domains (a domain also covers its
 * subdomains). A recipient on the block list and not on the allow list is refused.
 */
public final class RecipientListStep implements PolicyStep {
    @Override
    public String name() {
        return "recipient-lists";
    }

    @Override
    public Verdict decide(SendRequest r, Instant now) {
        var address = r.recipient().toLowerCase(Locale.ROOT);
        if (matches(r.policy().getOrDefault("outbound.block", ""), address) && !matches(r.policy().getOrDefault("outbound.allow", ""), address)) {
            return new Verdict.Reject(550, "5.7.1", "sending to <" + r.recipient() + "> is blocked by policy (outbound.block)");
        }
        return Verdict.ACCEPT;
    }

    /** Whether an address list (exact addresses, or domains covering their subdomains) names the address. */
    public static boolean matches(String list, String address) {
        if (list.isBlank()) {
            return false;
        }
        var domain = address.substring(address.lastIndexOf('@') + 1);
        return Arrays.stream(list.split("[,\\s]+")).map(e -> e.trim().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty())
                .anyMatch(e -> e.contains("@") ? e.equals(address) : domain.equals(e) || domain.endsWith("." + e));
    }
}
