package dev.herald.policy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyPipelineTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    static SendRequest request(String rcpt, Optional<String> run, Map<String, String> policy) {
        var all = new HashMap<String, String>();
        dev.herald.policy.PolicyCatalog.all().forEach(s -> all.put(s.name(), s.defaultValue()));
        all.putAll(policy);
        return new SendRequest(1, 10, 100, "acme.com", rcpt, run, "transactional", all, 0, WarmupAge.ofDomain(1));
    }

    @Test
    void theFirstStepThatDoesNotAcceptDecides() {
        var ledger = new SendLedger();
        var suppressed = new SuppressionStep((tenant, address) -> address.equals("gone@x.example") ? Optional.of("hard bounce") : Optional.empty());
        var pipeline = new PolicyPipeline(List.of(suppressed, new RecipientListStep(), new HoldForApprovalStep(), new BudgetStep(ledger)),
                Clock.fixed(T0, ZoneOffset.UTC));
        assertThat(pipeline.steps()).containsExactly("suppression", "recipient-lists", "hold-for-approval", "budget");

        assertThat(pipeline.decide(request("ok@x.example", Optional.empty(), Map.of())).verdict()).isEqualTo(Verdict.ACCEPT);
        var d = pipeline.decide(request("Gone@X.example", Optional.empty(), Map.of("hold.for_approval", "true")));
        assertThat(d.step()).isEqualTo("suppression");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject(550, "5.1.1",
                "<Gone@X.example> is on this tenant's suppression list (hard bounce)"));
        var held = pipeline.decide(request("ok@x.example", Optional.empty(), Map.of("hold.for_approval", "true")));
        assertThat(held.step()).isEqualTo("hold-for-approval");
        assertThat(held.verdict()).isInstanceOf(Verdict.Hold.class);
    }

    @Test
    void blockAndAllowListsByAddressAndDomain() {
        var step = new RecipientListStep();
        var policy = Map.of("outbound.block", "competitor.example, spam@trap.example", "outbound.allow", "partner@competitor.example");
        assertThat(step.decide(request("sales@competitor.example", Optional.empty(), policy), T0)).isInstanceOf(Verdict.Reject.class);
        assertThat(step.decide(request("x@eu.competitor.example", Optional.empty(), policy), T0)).as("subdomains too").isInstanceOf(Verdict.Reject.class);
        assertThat(step.decide(request("partner@competitor.example", Optional.empty(), policy), T0)).isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("SPAM@trap.example", Optional.empty(), policy), T0)).isInstanceOf(Verdict.Reject.class);
        assertThat(step.decide(request("ham@trap.example", Optional.empty(), policy), T0)).isEqualTo(Verdict.ACCEPT);
        assertThat(step.decide(request("a@notcompetitor.example", Optional.empty(), policy), T0)).isEqualTo(Verdict.ACCEPT);
    }
}
