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
                assertThat(b.reply()).startsWith("220"); // both counted before c connects
                try (var c = SmtpScript.plain(mx)) {
                    assertThat(c.reply()).startsWith("421 4.7.0 too many connections from your address");
                    assertThat(c.closedByServer()).isTrue();
                }
                // An idle session is closed with 421 4.4.2 after the command timeout.
                assertThat(a.reply()).startsWith("421 4.4.2");
                assertThat(a.closedByServer()).isTrue();
            }
            // Closed connections free their slots (once the server has seen them close: that is asynchronous).
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                try (var probe = SmtpScript.plain(mx)) {
                    return probe.reply().startsWith("220");
                }
            });
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
    void dataTimeoutIsItsOwn() throws Exception {
        try (var herald = TestHerald.start(data, Map.of("smtp.command_timeout", "30s", "smtp.data_timeout", "1s"))) {
            herald.admin().createTenant("t");
            herald.admin().addDomain("t", "t.example");
            herald.admin().createMailbox("a@t.example");
            try (var s = SmtpScript.plain(herald.smtpPort(Listener.MX))) {
                s.hello();
                s.send("MAIL FROM:<x@remote.example>");
                s.send("RCPT TO:<a@t.example>");
                assertThat(s.send("DATA")).startsWith("354");
                s.write("Subject: stalled\r\n\r\nhalf");
                assertThat(s.reply()).startsWith("421 4.4.2");
                assertThat(s.closedByServer()).isTrue();
            }
            assertThat(dev.herald.server.testing.TestApi.expect(200, herald.admin().get("/v1/mailboxes/a@t.example/messages"))
                    .get("messages")).isEmpty();
        }
    }

    @Test
    void aConfiguredCertificateIsServed(@org.junit.jupiter.api.io.TempDir Path certs) throws Exception {
        var cert = certs.resolve("mail.pem");
        var key = certs.resolve("mail.key");
        dev.herald.server.tls.TlsTestSupport.generate(cert, key, "mail.configured.example");
        try (var herald = TestHerald.start(data, Map.of("tls.certificate", cert.toString(), "tls.key", key.toString()))) {
            var ctx = SmtpScript.trustAll();
            try (var socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", herald.smtpPort(Listener.SUBMISSIONS))) {
                socket.startHandshake();
                var peer = (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=mail.configured.example");
            }
            assertThat(data.resolve("tls")).doesNotExist();
        }
    }

    @Test
    void totalLimit() throws Exception {
        try (var herald = TestHerald.start(data, Map.of("smtp.max_connections", "1"))) {
            int sub = herald.smtpPort(Listener.SUBMISSION);
            try (var a = SmtpScript.plain(sub)) {
                assertThat(a.reply()).startsWith("220"); // a is counted before b connects
                try (var b = SmtpScript.plain(sub)) {
                    assertThat(b.reply()).startsWith("421 4.7.0 too many connections");
                }
            }
        }
    }
}
