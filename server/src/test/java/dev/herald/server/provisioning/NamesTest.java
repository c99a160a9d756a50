package dev.herald.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void domainsAreNormalized() {
        assertThat(Names.domain("Support-Bot.ACME.com.")).isEqualTo("support-bot.acme.com");
        assertThat(Names.domain("bücher.example")).isEqualTo("xn--bcher-kva.example");
        assertThat(Names.domain("a.xn--p1ai")).isEqualTo("a.xn--p1ai");
    }

    @Test
    void badDomainsSayWhy() {
        assertThatThrownBy(() -> Names.domain("-bad.example")).hasMessageContaining("label '-bad'");
        assertThatThrownBy(() -> Names.domain("a..example")).hasMessageContaining("bad domain name");
        assertThatThrownBy(() -> Names.domain("[127.0.0.1]")).hasMessageContaining("bad domain name");
        assertThatThrownBy(() -> Names.domain("127.0.0.1")).hasMessageContaining("not a top-level domain");
        assertThatThrownBy(() -> Names.domain("x".repeat(64) + ".example")).hasMessageContaining("bad domain name");
    }

    @Test
    void addressesAreNormalizedAndRelayTricksRefused() {
        assertThat(Names.address(" Agent.One@Example.COM ")).isEqualTo("agent.one@example.com");
        for (var bad : new String[] {"a%b@example.com@evil.com", "@example.com", "a@", "a..b@example.com", ".a@example.com",
                "\"a@b\"@example.com", "a b@example.com", "a+b@example.com", "a@[127.0.0.1]", "x".repeat(65) + "@example.com"}) {
            assertThatThrownBy(() -> Names.address(bad)).as(bad).isInstanceOf(ProvisioningException.class);
        }
    }

    @Test
    void slugs() {
        assertThat(Names.slug("tenant", "Acme")).isEqualTo("acme");
        assertThatThrownBy(() -> Names.slug("tenant", "-x")).hasMessageContaining("bad tenant name '-x'");
        assertThatThrownBy(() -> Names.slug("workspace", "")).hasMessageContaining("workspace name is required");
    }
}
