package dev.herald.policy.pipeline;

import java.time.Instant;

/** One named check. Pure: the facts it needs are in the request or in what it was built with. */
public interface PolicyStep {
    String name();

    Verdict decide(SendRequest request, Instant now);
}
