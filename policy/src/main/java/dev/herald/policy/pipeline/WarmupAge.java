package dev.herald.policy.pipeline;

import java.util.Optional;

/**
 * How far along its warm-up a message's senders are: the sending domain's day, and — when the
 * message leaves from a dedicated source address — that address's day. Days are 1-based; the
 * server counts them (a domain's day advances only on healthy days), the policy step only reads them.
 */
public record WarmupAge(long domainDay, Optional<String> sourceAddress, long sourceDay) {
    public static WarmupAge ofDomain(long domainDay) {
        return new WarmupAge(domainDay, Optional.empty(), 0);
    }

    /** A sender that has finished warming up. */
    public static final WarmupAge WARM = ofDomain(Long.MAX_VALUE / 2);
}
