package dev.herald.policy.pipeline;

import static dev.herald.policy.pipeline.PolicyPipelineTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BudgetStepTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void theMailboxHourlyLimitDefersUntilTheWindowFreesASlot() {
        var ledger = new SendLedger();
        var step = new BudgetStep(ledger);
        var policy = Map.of("mailbox.hourly_limit", "3");
        ledger.record(1, 100, Optional.empty(), T0, 1);
        ledger.record(1, 100, Optional.empty(), T0.plusSeconds(120), 2);
        var v = step.decide(request("a@x.example", Optional.empty(), policy), T0.plusSeconds(600));
        // One bucket late, never early: the 10:00 send counts until 11:01.
        assertThat(v).isEqualTo(new Verdict.Defer(T0.plusSeconds(3660),
                "mailbox hourly limit of 3 messages reached; resets at 2026-11-21T11:01:00Z"));
        assertThat(step.decide(request("a@x.example", Optional.empty(), policy), T0.plusSeconds(3600))).as("still full at 11:00")
                .isInstanceOf(Verdict.Defer.class);
        assertThat(step.decide(request("a@x.example", Optional.empty(), policy), T0.plusSeconds(3660))).as("one slot free at 11:01")
                .isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("a@x.example", Optional.empty(), Map.of("mailbox.hourly_limit", "4")), T0.plusSeconds(600)))
                .as("a higher limit at another level").isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void dailyAndTenantLimitsAndTheOrderTheyAreNamedIn() {
        var ledger = new SendLedger();
        var step = new BudgetStep(ledger);
        ledger.record(1, 100, Optional.empty(), T0, 5);
        ledger.record(1, 200, Optional.empty(), T0, 5); // another mailbox of the same tenant
        var tenantLimit = step.decide(request("a@x.example", Optional.empty(), Map.of("tenant.daily_limit", "10")), T0.plusSeconds(7200));
        assertThat(((Verdict.Defer) tenantLimit).reason()).startsWith("tenant daily limit of 10 messages reached; resets at 2026-11-22T10:15");
        var daily = step.decide(request("a@x.example", Optional.empty(), Map.of("mailbox.daily_limit", "5")), T0.plusSeconds(7200));
        assertThat(((Verdict.Defer) daily).reason()).startsWith("mailbox daily limit of 5 messages reached");
        var monthly = step.decide(request("a@x.example", Optional.empty(), Map.of("tenant.monthly_limit", "10")), T0.plusSeconds(29 * 86400L));
        assertThat(((Verdict.Defer) monthly).until()).as("30 days and one hourly bucket").isEqualTo(T0.plusSeconds(30 * 86400L + 3600));
        assertThat(step.decide(request("a@x.example", Optional.empty(), Map.of("tenant.monthly_limit", "10")), T0.plusSeconds(30 * 86400L + 3600)))
                .isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void aRunOverItsBudgetIsDeferredOrHeldAndRunsAreCountedPerTenant() {
        var ledger = new SendLedger();
        var step = new BudgetStep(ledger);
        ledger.record(1, 100, Optional.of("run-7"), T0, 2);
        var defer = step.decide(request("a@x.example", Optional.of("run-7"), Map.of("run.limit", "2")), T0);
        assertThat(((Verdict.Defer) defer).reason()).startsWith("run run-7 has used its budget of 2 messages");
        var hold = step.decide(request("a@x.example", Optional.of("run-7"), Map.of("run.limit", "2", "run.over_budget", "hold")), T0);
        assertThat(hold).isEqualTo(new Verdict.Hold("run run-7 has used its budget of 2 messages; held for approval"));
        assertThat(step.decide(request("a@x.example", Optional.of("run-8"), Map.of("run.limit", "2")), T0)).isEqualTo(Verdict.ACCEPT);
        var otherTenant = new SendRequest(2, 20, 300, "b.com", "a@x.example", Optional.of("run-7"), "transactional", Map.of("run.limit", "2"), 0, WarmupAge.ofDomain(1));
        assertThat(step.decide(otherTenant, T0)).as("another tenant's run-7").isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("a@x.example", Optional.of("run-7"), Map.of("run.limit", "unlimited")), T0)).isEqualTo(Verdict.ACCEPT);
    }
}
