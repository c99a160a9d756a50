package dev.herald.server.smtp;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real sockets: BDAT 0 LAST is answered at once (RFC 3030) and the message stored once; a
 * HELO that is not a domain or address literal gets 501 and cannot put control characters into
 * the Received: header; X-Herald-Run and X-Herald-Stream are in no locally delivered copy.
 */
class SmtpInputDefectsTest {
    @TempDir
    static Path dir;
    static TestHerald h;
    static String a1;

    @BeforeAll
    static void start() {
        h = TestHerald.start(dir);
        h.admin().createTenant("a");
        h.admin().addDomain("a", "a.test");
        h.admin().createTenant("b");
        h.admin().addDomain("b", "b.test");
        a1 = h.admin().createMailbox("a1@a.test").get("credentials").get("password").asText();
        h.admin().createMailbox("b1@b.test");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static List<String> raws(String address, String folder) {
        var out = new ArrayList<String>();
        expect(200, h.admin().get("/v1/mailboxes/" + address + "/messages?folder=" + folder)).get("messages").forEach(m -> out.add(
                h.admin().get("/v1/mailboxes/" + address + "/messages/" + m.get("uid").asLong() + "/raw?folder=" + folder).raw()));
        return out;
    }

    @Test
    void bdatZeroLastIsAnsweredAtOnce() throws Exception {
        try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
            s.hello();
            assertThat(s.send("MAIL FROM:<x@remote.example>")).startsWith("250");
            assertThat(s.send("RCPT TO:<b1@b.test>")).startsWith("250");
            var body = "Subject: bdat-zero\r\nMessage-ID: <bdat0@remote.example>\r\n\r\nchunked\r\n";
            s.write("BDAT " + body.length() + "\r\n" + body);
            assertThat(s.reply()).startsWith("250");
            s.write("BDAT 0 LAST\r\n");
            assertThat(s.reply()).startsWith("250 2.0.0");
            assertThat(s.send("NOOP")).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> raws("b1@b.test", "INBOX").stream().anyMatch(r -> r.contains("bdat-zero")));
        // And it stays one copy: the client got its answer, so nothing retried it.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> raws("b1@b.test", "INBOX").stream().filter(r -> r.contains("bdat-zero")).count() == 1);
    }

    @Test
    void heloMustBeADomainOrAddressLiteral() throws Exception {
        try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
            s.reply();
            for (var bad : new String[] {"evil\rX-Injected: yes", "evil\u000bX", "a\tb", "bad(name)", "x\u0000y", "[1.2.3.4\r]"}) {
                assertThat(s.send("EHLO " + bad)).as(bad).startsWith("501 5.5.4");
            }
            for (var good : new String[] {"mail.example.com", "mail.example.com.", "DESKTOP_7", "[192.0.2.1]", "[IPv6:2001:db8::1]",
                    "bücher.example"}) {
                assertThat(s.send("EHLO " + good)).as(good).startsWith("250");
            }
            // And what is stored is the validated name.
            assertThat(s.send("HELO relay.example")).startsWith("250");
            s.send("MAIL FROM:<x@remote.example>");
            s.send("RCPT TO:<b1@b.test>");
            s.send("DATA");
            assertThat(s.send("Subject: helo-check\r\n\r\nbody\r\n.")).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> raws("b1@b.test", "INBOX").stream().anyMatch(r -> r.contains("helo-check")));
        var raw = raws("b1@b.test", "INBOX").stream().filter(r -> r.contains("helo-check")).findFirst().orElseThrow();
        assertThat(raw).startsWith("Received: from relay.example ([127.0.0.1])").doesNotContain("X-Injected");
    }

    @Test
    void agentHeadersAreInNoLocalCopy() throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain("a1@a.test", a1)).startsWith("235");
            s.send("MAIL FROM:<a1@a.test>");
            assertThat(s.send("RCPT TO:<b1@b.test>")).startsWith("250");
            assertThat(s.send("RCPT TO:<a1@a.test>")).startsWith("250");
            s.send("DATA");
            assertThat(s.send("From: a1@a.test\r\nTo: b1@b.test\r\nX-Herald-Run: run-42\r\nx-herald-stream: transactional\r\n"
                    + "Subject: agent-headers\r\n\r\nX-Herald-Run: in the body stays\r\n.")).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> raws("b1@b.test", "INBOX").stream().anyMatch(r -> r.contains("agent-headers"))
                && raws("a1@a.test", "INBOX").stream().anyMatch(r -> r.contains("agent-headers"))
                && raws("a1@a.test", "Sent").stream().anyMatch(r -> r.contains("agent-headers")));
        for (var copy : List.of(raws("b1@b.test", "INBOX"), raws("a1@a.test", "INBOX"), raws("a1@a.test", "Sent"))) {
            var raw = copy.stream().filter(r -> r.contains("agent-headers")).findFirst().orElseThrow();
            var header = raw.substring(0, raw.indexOf("\r\n\r\n"));
            assertThat(header.toLowerCase()).doesNotContain("x-herald-run").doesNotContain("x-herald-stream");
            assertThat(raw).contains("Subject: agent-headers").endsWith("X-Herald-Run: in the body stays\r\n");
        }
    }
}
