package dev.herald.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.storage.model.PolicyLevel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyResolverTest {

    @Test
    void nearestLevelWinsAndDefaultsFillTheRest() {
        var effective = PolicyResolver.resolve(List.of(
                new PolicyLayer(PolicyLevel.SERVER, Map.of("mailbox.daily_limit", "900", "stream", "bulk")),
                new PolicyLayer(PolicyLevel.MAILBOX, Map.of("mailbox.daily_limit", "5")),
                new PolicyLayer(PolicyLevel.WORKSPACE, Map.of("mailbox.daily_limit", "50", "mailbox.hourly_limit", "7")),
                new PolicyLayer(PolicyLevel.TENANT, Map.of())));

        assertThat(effective.get("mailbox.daily_limit")).isEqualTo(
                new EffectiveValue("mailbox.daily_limit", "5", Optional.of(PolicyLevel.MAILBOX)));
        assertThat(effective.get("mailbox.hourly_limit").source()).contains(PolicyLevel.WORKSPACE);
        assertThat(effective.get("stream").value()).isEqualTo("bulk");
        assertThat(effective.get("breaker.bounce_pause")).isEqualTo(
                new EffectiveValue("breaker.bounce_pause", "5%", Optional.empty()));
        assertThat(effective).hasSize(PolicyCatalog.all().size());
    }

    @Test
    void valuesAreNormalized() {
        assertThat(PolicyCatalog.validate(PolicyLevel.TENANT, "breaker.complaint_pause", "0.10")).isEqualTo("0.1%");
        assertThat(PolicyCatalog.validate(PolicyLevel.MAILBOX, "hold.for_approval", "yes")).isEqualTo("true");
        assertThat(PolicyCatalog.validate(PolicyLevel.MAILBOX, "mailbox.daily_limit", "1_000")).isEqualTo("1000");
        assertThat(PolicyCatalog.validate(PolicyLevel.MAILBOX, "run.limit", "Unlimited")).isEqualTo("unlimited");
        assertThat(PolicyCatalog.validate(PolicyLevel.WORKSPACE, "outbound.block", "Spam.example, b@X.org  a.com"))
                .isEqualTo("a.com,b@x.org,spam.example");
    }

    @Test
    void badNamesValuesAndLevelsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PolicyCatalog.validate(PolicyLevel.TENANT, "nope", "1"))
                .hasMessage("unknown policy setting 'nope'");
        assertThatThrownBy(() -> PolicyCatalog.validate(PolicyLevel.TENANT, "mailbox.daily_limit", "-3"))
                .hasMessageContaining("mailbox.daily_limit").hasMessageContaining("negative");
        assertThatThrownBy(() -> PolicyCatalog.validate(PolicyLevel.TENANT, "breaker.bounce_pause", "120%"))
                .hasMessageContaining("between 0% and 100%");
        assertThatThrownBy(() -> PolicyCatalog.validate(PolicyLevel.TENANT, "stream", "fast"))
                .hasMessageContaining("transactional, bulk");
        assertThatThrownBy(() -> PolicyCatalog.validate(PolicyLevel.MAILBOX, "tenant.monthly_limit", "5"))
                .hasMessageContaining("cannot be set on a mailbox");
        assertThatThrownBy(() -> PolicyCatalog.validate(PolicyLevel.MAILBOX, "inbound.allow", "not an address!"))
                .hasMessageContaining("neither an address nor a domain");
    }
}
