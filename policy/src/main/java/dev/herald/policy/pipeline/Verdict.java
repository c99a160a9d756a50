package dev.herald.policy.pipeline;

import java.time.Instant;

/** What a policy step decides for one recipient of one message. */
public sealed interface Verdict {
    /** Nothing against it: the next step decides, or the mail goes. */
    record Accept() implements Verdict {
    }

    /** Not now: a 451 to the agent at submission, or the queue keeps it until {@code until}. */
    record Defer(Instant until, String reason) implements Verdict {
    }

    /** Accepted and kept in the queue until an admin approves or rejects it. */
    record Hold(String reason) implements Verdict {
    }

    /** Never: a 5xx for this recipient. */
    record Reject(int code, String enhanced, String text) implements Verdict {
    }

    Verdict ACCEPT = new Accept();

    default boolean accepted() {
        return this instanceof Accept;
    }
}
