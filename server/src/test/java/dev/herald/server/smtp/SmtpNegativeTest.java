package dev.herald.server.smtp;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal the SMTP listeners give, with its exact code, over real sockets. */
class SmtpNegativeTest {
    @TempDir
    static Path data;
    static TestHerald herald;
    static TestApi admin;
    static String password;
    static int mx;
    static int submission;
    static int submissions;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(data, Map.of("smtp.max_message_size", "64KiB", "smtp.max_recipients", "3",
                "smtp.max_errors", "50"));
        admin = herald.admin();
        admin.createTenant("acme");
        admin.addDomain("acme", "acme.com");
        password = admin.createMailbox("agent@acme.com").get("credentials").get("password").asText();
        admin.createMailbox("other@acme.com");
        admin.createTenant("globex");
        admin.addDomain("globex", "globex.com");
        admin.createMailbox("victim@globex.com");
        mx = herald.smtpPort(Listener.MX);
        submission = herald.smtpPort(Listener.SUBMISSION);
        submissions = herald.smtpPort(Listener.SUBMISSIONS);
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @Test
    void theMxNeverRelays() throws IOException {
        var attempts = Map.ofEntries(
                Map.entry("<user@remote.example>", "554 5.7.1"),
                Map.entry("<user%remote.example@acme.com>", "550 5.1.1"),
                Map.entry("<\"user@remote.example\"@acme.com>", "550 5.1.1"),
                Map.entry("<@acme.com:user@remote.example>", "554 5.7.1"),
                Map.entry("<@acme.com,@globex.com:user@remote.example>", "554 5.7.1"),
                Map.entry("<user@[127.0.0.1]>", "554 5.7.1"),
                Map.entry("<user@[IPv6:::1]>", "554 5.7.1"),
                Map.entry("<user@remote.example@acme.com>", "501 5.1.3"),
                Map.entry("<user!remote.example@acme.com>", "550 5.1.1"),
                Map.entry("<remote.example!user@acme.com>", "550 5.1.1"),
                Map.entry("<user@acme.com.remote.example>", "554 5.7.1"),
                Map.entry("<agent@acme.com.>", "501 5.1.3"),
                Map.entry("<\"agent\"@acme.com>", "550 5.1.1"),
                Map.entry("<agent@ACME.com@remote.example>", "501 5.1.3"));
        try (var s = SmtpScript.plain(mx)) {
            var ehlo = s.hello();
            assertThat(ehlo).noneMatch(l -> l.contains("AUTH"));
            assertThat(s.send("MAIL FROM:<spammer@remote.example>")).startsWith("250 2.1.0");
            for (var a : attempts.entrySet()) {
                assertThat(s.send("RCPT TO:" + a.getKey())).as(a.getKey()).startsWith(a.getValue());
            }
            assertThat(s.send("DATA")).startsWith("554 5.5.1");
            // AUTH on the MX port is not offered and changes nothing.
            assertThat(s.send("AUTH PLAIN AGFnZW50QGFjbWUuY29tAHg=")).startsWith("503 5.5.1");
            assertThat(s.send("RCPT TO:<user@remote.example>")).startsWith("554 5.7.1");
            // A hosted mailbox is accepted: the MX does its one job.
            assertThat(s.send("RCPT TO:<AGENT@acme.com>")).startsWith("250 2.1.5");
            assertThat(s.send("RSET")).startsWith("250");
        }
        try (var s = SmtpScript.plain(mx)) {
            s.hello();
            s.startTls();
            assertThat(s.send("AUTH PLAIN " + plain("agent@acme.com", password))).as("no AUTH on the MX even over TLS").startsWith("503 5.5.1");
            s.send("MAIL FROM:<x@remote.example>");
            assertThat(s.send("RCPT TO:<user@remote.example>")).startsWith("554 5.7.1");
        }
    }

    @Test
    void submissionNeedsTlsThenAuthThenTheOwnAddress() throws IOException {
        try (var s = SmtpScript.plain(submission)) {
            var ehlo = s.hello();
            assertThat(ehlo).anyMatch(l -> l.contains("STARTTLS")).noneMatch(l -> l.contains("AUTH"));
            assertThat(s.send("AUTH PLAIN " + plain("agent@acme.com", password))).startsWith("538 5.7.11");
            assertThat(s.send("MAIL FROM:<agent@acme.com>")).startsWith("538 5.7.11");
            var tls = s.startTls();
            assertThat(tls).anyMatch(l -> l.contains("AUTH PLAIN LOGIN")).noneMatch(l -> l.contains("STARTTLS"));
            assertThat(s.send("MAIL FROM:<agent@acme.com>")).startsWith("530 5.7.0");
            assertThat(s.send("RCPT TO:<other@acme.com>")).startsWith("503 5.5.1");
            assertThat(s.authPlain("agent@acme.com", password)).startsWith("235 2.7.0");
            assertThat(s.send("MAIL FROM:<other@acme.com>")).startsWith("550 5.7.1");
            assertThat(s.send("MAIL FROM:<victim@globex.com>")).startsWith("550 5.7.1");
            assertThat(s.send("MAIL FROM:<>")).startsWith("550 5.7.1");
            assertThat(s.send("MAIL FROM:<agent@acme.com> SIZE=999999999")).startsWith("552 5.3.4");
            assertThat(s.send("MAIL FROM:<agent@acme.com> FOO=BAR")).startsWith("555 5.5.4");
            assertThat(s.send("MAIL FROM:<agent@acme.com>")).startsWith("250 2.1.0");
            assertThat(s.send("RCPT TO:<nobody@acme.com>")).startsWith("550 5.1.1");
            assertThat(s.send("RCPT TO:<user@[10.0.0.1]>")).startsWith("554 5.7.1");
            assertThat(s.send("RCPT TO:<other@acme.com>")).startsWith("250");
            assertThat(s.send("DATA")).startsWith("354");
            // From: header of someone else: refused after the data.
            assertThat(s.send("From: victim@globex.com\r\nSubject: spoof\r\n\r\nhi\r\n.")).startsWith("550 5.7.1");
            assertThat(s.send("MAIL FROM:<agent@acme.com>")).startsWith("250");
            assertThat(s.send("RCPT TO:<other@acme.com>")).startsWith("250");
            assertThat(s.send("DATA")).startsWith("354");
            assertThat(s.send("From: \"Agent\" <agent@acme.com>, victim@globex.com\r\n\r\nhi\r\n.")).startsWith("550 5.7.1");
        }
        assertThat(messages("other@acme.com", "INBOX")).isEmpty();
    }

    @Test
    void limits() throws IOException {
        try (var s = SmtpScript.plain(mx)) {
            s.hello();
            assertThat(s.send("NOOP " + "x".repeat(3000))).startsWith("500 5.5.2");
            s.send("MAIL FROM:<a@remote.example>");
            assertThat(s.send("RCPT TO:<agent@acme.com>")).startsWith("250");
            assertThat(s.send("RCPT TO:<other@acme.com>")).startsWith("250");
            assertThat(s.send("RCPT TO:<agent@acme.com>")).startsWith("250");
            assertThat(s.send("RCPT TO:<other@acme.com>")).startsWith("452 4.5.3");
            assertThat(s.send("DATA")).startsWith("354");
            assertThat(s.send("Subject: big\r\n\r\n" + ("y".repeat(900) + "\r\n").repeat(100) + ".")).startsWith("552 5.3.4");
            s.send("MAIL FROM:<a@remote.example>");
            s.send("RCPT TO:<agent@acme.com>");
            s.send("DATA");
            assertThat(s.send("Subject: long line\r\n\r\n" + "z".repeat(1200) + "\r\n.")).startsWith("500 5.5.2");
            assertThat(s.send("NOOP")).startsWith("250");
        }
        assertThat(messages("agent@acme.com", "INBOX")).noneMatch(m -> m.contains("big") || m.contains("long line"));
    }

    @Test
    void garbageAndAbandonedDataDeliverNothingAndOthersAreServed() throws Exception {
        try (var s = SmtpScript.plain(mx)) {
            s.reply();
            s.writeBytes(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, '\r', '\n'});
            assertThat(s.reply()).startsWith("502 5.5.1");
            assertThat(s.send("\u0000\u0007GET / HTTP/1.1")).startsWith("502 5.5.1");
            assertThat(s.send("MAIL FROM:<a@remote.example>")).startsWith("503 5.5.1"); // no EHLO yet
        }
        try (var s = SmtpScript.plain(mx)) {
            s.hello();
            s.send("MAIL FROM:<a@remote.example>");
            s.send("RCPT TO:<agent@acme.com>");
            s.send("DATA");
            s.write("Subject: abandoned\r\n\r\nhalf a message");
        } // the client goes away mid-DATA
        try (var s = SmtpScript.plain(mx)) {
            s.hello();
            s.send("MAIL FROM:<a@remote.example>");
            s.send("RCPT TO:<agent@acme.com>");
            s.send("DATA");
            assertThat(s.send("Subject: complete\r\n\r\nwhole\r\n.")).startsWith("250 2.0.0");
        }
        org.awaitility.Awaitility.await().until(() -> messages("agent@acme.com", "INBOX").stream().anyMatch(m -> m.contains("complete")));
        assertThat(messages("agent@acme.com", "INBOX")).noneMatch(m -> m.contains("abandoned"));
    }

    // Brute force: see dev.herald.server.auth.LoginThrottleIT (slowed per address, never a lockout).

    @Test
    void sequenceErrors() throws IOException {
        try (var s = SmtpScript.plain(mx)) {
            s.hello();
            assertThat(s.send("RCPT TO:<agent@acme.com>")).startsWith("503 5.5.1");
            assertThat(s.send("DATA")).startsWith("503 5.5.1");
            s.send("MAIL FROM:<a@remote.example>");
            assertThat(s.send("MAIL FROM:<a@remote.example>")).startsWith("503 5.5.1");
            assertThat(s.send("DATA")).startsWith("503 5.5.1");
            assertThat(s.send("VRFY agent")).startsWith("252 2.5.0");
            assertThat(s.send("EXPN staff")).startsWith("502 5.5.1");
            assertThat(s.send("HELP")).startsWith("214");
            assertThat(s.send("QUIT")).startsWith("221 2.0.0");
        }
    }

    static List<String> messages(String address, String folder) {
        var list = expect(200, admin.get("/v1/mailboxes/" + address + "/messages?folder=" + folder)).get("messages");
        var out = new java.util.ArrayList<String>();
        list.forEach(m -> out.add(m.toString()));
        return out;
    }

    static String plain(String user, String pass) {
        return java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + pass).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
