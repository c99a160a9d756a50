package dev.herald.server.smtp.handlers;

import dev.herald.policy.pipeline.Verdict;
import dev.herald.server.smtp.codec.SmtpReply;
import java.util.Optional;

/** A policy verdict as the agent hears it at submission; empty when the recipient is accepted. */
final class PolicyReplies {
    private PolicyReplies() {
    }

    static Optional<SmtpReply> reply(Verdict v) {
        if (v instanceof Verdict.Reject r) {
            return Optional.of(new SmtpReply(r.code(), r.enhanced(), r.text()));
        }
        if (v instanceof Verdict.Defer d) {
            return Optional.of(new SmtpReply(451, "4.7.1", d.reason()));
        }
        return Optional.empty(); // Accept, or Hold: accepted and held in the queue
    }
}
