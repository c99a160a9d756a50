package dev.herald.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which permanent refusals suppress the address: the address itself was refused, not the content. */
class HardBounceTest {
    @Test
    void addressRefusalsAreHardBouncesContentRefusalsAreNot() {
        assertThat(OutboundDeliverer.hardBounce("550 5.1.1 no such user")).isTrue();
        assertThat(OutboundDeliverer.hardBounce("550 5.1.10 null MX")).isTrue();
        assertThat(OutboundDeliverer.hardBounce("553 5.1.3 bad address syntax")).isTrue();
        assertThat(OutboundDeliverer.hardBounce("550 User unknown")).as("no enhanced code").isTrue();
        assertThat(OutboundDeliverer.hardBounce("550 5.7.1 message rejected as spam")).isFalse();
        assertThat(OutboundDeliverer.hardBounce("552 5.3.4 message too big")).isFalse();
        assertThat(OutboundDeliverer.hardBounce("554 5.4.6 routing loop")).isFalse();
        assertThat(OutboundDeliverer.hardBounce("451 4.1.1 try later")).isFalse();
    }
}
