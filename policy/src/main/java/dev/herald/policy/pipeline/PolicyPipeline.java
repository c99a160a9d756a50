package dev.herald.policy.pipeline;

import java.time.Clock;
import java.util.List;

/**
 * The steps in order; the first that does not accept decides. Reading {@link #steps()} tells an
 * operator exactly what is checked and in what order.
 */
public final class PolicyPipeline {
    /** The verdict and the step that gave it ("" when every step accepted). */
    public record Decision(String step, Verdict verdict) {
    }

    private final List<PolicyStep> steps;
    private final Clock clock;

    public PolicyPipeline(List<PolicyStep> steps, Clock clock) {
        this.steps = List.copyOf(steps);
        this.clock = clock;
    }

    public Decision decide(SendRequest request) {
        var now = clock.instant();
        for (var step : steps) {
            var v = step.decide(request, now);
            if (!v.accepted()) {
                return new Decision(step.name(), v);
            }
        }
        return new Decision("", Verdict.ACCEPT);
    }

    public List<String> steps() {
        return steps.stream().map(PolicyStep::name).toList();
    }
}
