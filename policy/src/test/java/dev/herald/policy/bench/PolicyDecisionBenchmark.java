package dev.herald.policy.bench;

import dev.herald.policy.PolicyCatalog;
import dev.herald.policy.pipeline.BudgetStep;
import dev.herald.policy.pipeline.HoldForApprovalStep;
import dev.herald.policy.pipeline.PolicyPipeline;
import dev.herald.policy.pipeline.RecipientDomainPacingStep;
import dev.herald.policy.pipeline.RecipientListStep;
import dev.herald.policy.pipeline.SendLedger;
import dev.herald.policy.pipeline.SendRequest;
import dev.herald.policy.pipeline.SuppressionStep;
import dev.herald.policy.pipeline.WarmupStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The full policy decision for one recipient — suppression, recipient lists, hold, budgets,
 * recipient-domain pacing, warm-up — with 100 tenants and 10,000 mailboxes in state (each with
 * sends in its windows) and 100,000 suppressed addresses. Run with bench/policy-jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyDecisionBenchmark {
    private static final int TENANTS = 100;
    private static final int MAILBOXES = 10_000;
    private PolicyPipeline pipeline;
    private SendRequest[] requests;
    private int next;

    @Setup
    public void setUp() {
        var now = Instant.parse("2026-11-21T12:00:00Z");
        var ledger = new SendLedger();
        var suppressed = new ConcurrentHashMap<Long, Map<String, String>>();
        var policy = new HashMap<String, String>();
        PolicyCatalog.all().forEach(s -> policy.put(s.name(), s.defaultValue()));
        requests = new SendRequest[MAILBOXES];
        for (int m = 0; m < MAILBOXES; m++) {
            long tenant = m % TENANTS;
            var domain = "t" + tenant + ".example";
            for (int k = 0; k < 20; k++) { // each mailbox has sent over the last day
                ledger.record(tenant, m, Optional.of("run-" + (m % 7)), now.minus(Duration.ofMinutes(k * 67L)), 1);
                ledger.recordLeaving(tenant, domain, "gmail.com", now.minus(Duration.ofSeconds(k * 3L)));
            }
            for (int k = 0; k < 10; k++) {
                suppressed.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put("gone" + m + "-" + k + "@gmail.com", "hard bounce");
            }
            requests[m] = new SendRequest(tenant, tenant * 10, m, domain, "someone" + m + "@gmail.com", Optional.of("run-" + (m % 7)),
                    "transactional", policy, 0, dev.herald.policy.pipeline.WarmupAge.ofDomain(1 + m % 60));
        }
        var list = (SuppressionStep.SuppressionList) (tenant, address) -> {
            var l = suppressed.get(tenant);
            return l == null ? Optional.empty() : Optional.ofNullable(l.get(address));
        };
        pipeline = new PolicyPipeline(List.of(new SuppressionStep(list), new RecipientListStep(), new HoldForApprovalStep(), new BudgetStep(ledger),
                new RecipientDomainPacingStep(ledger), new WarmupStep(ledger)), Clock.fixed(now, java.time.ZoneOffset.UTC));
    }

    @Benchmark
    public Object decideOneRecipient() {
        var r = requests[next];
        next = (next + 1) % MAILBOXES;
        return pipeline.decide(r);
    }
}
