package dev.herald.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection limits and timeouts, configured small. */
class ConnectionLimitsTest {
    @TempDir
    Path data;

    @Test
    void perClientLimitAndIdleTimeout() throws Exception {
        try (var herald = TestHerald.start(data, Map.of("smtp.max_connections_per_client", "2", "smtp.command_timeout", "1s",
                "smtp.max_errors", "3"))) {
            int mx = herald.smtpPort(Listener.MX);
            try (var a = SmtpScript.plain(mx); var b = SmtpScript.plain(mx)) {
                assertThat(a.reply()).startsWith("220");
                assertThat(b.reply()).startsWith("220");
                try (var c = SmtpScript.plain(mx)) {
                    assertThat(c.reply()).startsWith("421 4.7.0 too many connections from your address");
                    assertThat(c.closedByServer()).isTrue();
                }
                // An idle session is closed with 421 4.4.2 after the command timeout.
                assertThat(a.reply()).startsWith("421 4.4.2");
                assertThat(a.closedByServer()).isTrue();
            }
            // Closed connections free their slots.
            try (var d = SmtpScript.plain(mx)) {
                assertThat(d.reply()).startsWith("220");
                // Too many errors: closed.
                d.send("EHLO x");
                assertThat(d.send("BOGUS")).startsWith("502");
                assertThat(d.send("BOGUS")).startsWith("502");
                assertThat(d.send("BOGUS")).startsWith("502");
                assertThat(d.reply()).startsWith("421 4.7.0 too many errors");
            }
        }
    }

    @Test
    void totalLimit() throws Exception {
        try (var herald = TestHerald.start(data, Map.of("smtp.max_connections", "1"))) {
            int sub = herald.smtpPort(Listener.SUBMISSION);
            try (var a = SmtpScript.plain(sub); var b = SmtpScript.plain(sub)) {
                assertThat(a.reply()).startsWith("220");
                assertThat(b.reply()).startsWith("421 4.7.0 too many connections");
            }
        }
    }
}
