package dev.herald.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outbound client against a real SMTP peer on loopback: sessions are reused, failures are not. */
class SmtpClientTest {
    private static final byte[] MESSAGE = "From: a@acme.com\r\nTo: b@remote.example\r\nSubject: hi\r\n\r\nbody\r\n"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void oneSessionCarriesManyTransactionsToTheSameHost() throws Exception {
        try (var mx = new ScriptedMx(n -> n == 3 ? "451 4.3.0 later" : "250 2.0.0 queued")) {
            var client = new SmtpClient("herald.test", Duration.ofSeconds(2), Duration.ofSeconds(5));
            var host = new InetSocketAddress(InetAddress.getLoopbackAddress(), mx.port());
            for (int i = 1; i <= 5; i++) {
                var result = client.send(host, "a@acme.com", List.of("b" + i + "@remote.example"), MESSAGE);
                assertThat(result.perRecipient().get(0).code()).isEqualTo(i == 3 ? 451 : 250);
            }
            assertThat(mx.accepted).hasSize(4);
            assertThat(mx.connections.get()).as("five transactions over one connection").isEqualTo(1);
            client.closeIdle();
        }
    }

    @Test
    void aSessionThatDiedMidDataIsNotReused() throws Exception {
        try (var mx = new ScriptedMx(n -> n == 1 ? "DROP" : "250 2.0.0 queued")) {
            var client = new SmtpClient("herald.test", Duration.ofSeconds(2), Duration.ofSeconds(5));
            var host = new InetSocketAddress(InetAddress.getLoopbackAddress(), mx.port());
            try {
                client.send(host, "a@acme.com", List.of("b@remote.example"), MESSAGE);
                throw new AssertionError("a dropped connection must surface as an IOException");
            } catch (java.io.IOException expected) {
                // retried later by the deliverer
            }
            assertThat(client.send(host, "a@acme.com", List.of("b@remote.example"), MESSAGE).perRecipient().get(0).code()).isEqualTo(250);
            assertThat(mx.connections.get()).isEqualTo(2);
            assertThat(mx.accepted).hasSize(1);
            client.closeIdle();
        }
    }

    @Test
    void dotStuffingDoublesOnlyLineLeadingDotsAndTerminates() {
        assertThat(stuffed(".start\r\nmid.dle\r\n..two\r\n.\r\nend")).isEqualTo("..start\r\nmid.dle\r\n...two\r\n..\r\nend\r\n.\r\n");
        assertThat(stuffed("plain\r\n")).isEqualTo("plain\r\n.\r\n");
        assertThat(stuffed("")).isEqualTo(".\r\n");
        assertThat(stuffed("a\r\n.")).isEqualTo("a\r\n..\r\n.\r\n");
    }

    private static String stuffed(String s) {
        return new String(SmtpClient.dotStuffed(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
