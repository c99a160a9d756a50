package dev.herald.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VerpTokenTest {
    private final VerpToken verp = new VerpToken("a-server-key".getBytes(StandardCharsets.US_ASCII));

    @Test
    void namesTheEntryAndCannotBeForged() {
        var local = verp.localPart(123_456_789L);
        assertThat(local).matches("bounce\\+[0-9a-z]+-[0-9a-f]{10}");
        assertThat(verp.entry(local)).contains(123_456_789L);
        assertThat(verp.entry(local.toUpperCase())).as("local parts come back in any case").contains(123_456_789L);
        var forged = local.substring(0, local.length() - 1) + (local.endsWith("0") ? "1" : "0");
        assertThat(verp.entry(forged)).isEmpty();
        assertThat(verp.entry("bounce+" + Long.toString(123_456_790L, 36) + local.substring(local.indexOf('-')))).as("another entry, same tag")
                .isEmpty();
        assertThat(new VerpToken("another-key".getBytes(StandardCharsets.US_ASCII)).entry(local)).as("another server's key").isEmpty();
        assertThat(verp.entry("postmaster")).isEmpty();
        assertThat(verp.entry("bounce+")).isEmpty();
        assertThat(verp.address(7, "acme.com")).startsWith("bounce+7-").endsWith("@acme.com");
    }
}
