package dev.herald.policy.pipeline;

import java.util.Map;
import java.util.Optional;

/**
 * The facts about one recipient of one outgoing message that policy decides on: who sends (tenant,
 * workspace, mailbox, sending domain), to whom, in which agent run and stream, and the effective
 * policy values of the sending mailbox (already resolved mailbox → workspace → tenant → server).
 * {@code pending}: recipients of the same message already accepted and not yet counted, so a
 * message with many recipients cannot slip past a budget that none of them alone exceeds.
 * {@code warmup}: how far along their warm-up the sending domain (and a dedicated source address) are.
 */
public record SendRequest(long tenantId, long workspaceId, long mailboxId, String sendingDomain, String recipient,
                          Optional<String> run, String stream, Map<String, String> policy, int pending, WarmupAge warmup) {
    public String recipientDomain() {
        return recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /** A count setting; "unlimited" (or a value that is not a number) is no limit. */
    public long limit(String setting) {
        return dev.herald.policy.PolicyNumbers.count(policy.get(setting));
    }

    public boolean flag(String setting) {
        return Boolean.parseBoolean(policy.getOrDefault(setting, "false").trim());
    }
}
