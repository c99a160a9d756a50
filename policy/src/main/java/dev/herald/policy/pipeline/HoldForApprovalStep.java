package dev.herald.policy.pipeline;

import java.time.Instant;

/** hold.for_approval: every outgoing message of the mailbox waits for an admin. */
public final class HoldForApprovalStep implements PolicyStep {
    @Override
    public String name() {
        return "hold-for-approval";
    }

    @Override
    public Verdict decide(SendRequest r, Instant now) {
        return r.flag("hold.for_approval") ? new Verdict.Hold("this mailbox's policy holds outgoing mail for approval") : Verdict.ACCEPT;
    }
}
