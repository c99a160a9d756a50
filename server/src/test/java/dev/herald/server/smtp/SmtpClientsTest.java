package dev.herald.server.smtp;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real SMTP clients over real sockets: Angus Mail, Python's smtplib, swaks, and a scripted BDAT session. */
class SmtpClientsTest {
    @TempDir
    static Path data;
    static TestHerald herald;
    static TestApi admin;
    static String alicePassword;
    static String bobPassword;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(data);
        admin = herald.admin();
        admin.createTenant("acme");
        admin.addDomain("acme", "acme.com");
        alicePassword = admin.createMailbox("alice@acme.com").get("credentials").get("password").asText();
        bobPassword = admin.createMailbox("bob@acme.com").get("credentials").get("password").asText();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    private static Session angus(boolean implicitTls, int port) {
        var p = new Properties();
        var proto = implicitTls ? "smtps" : "smtp";
        p.put("mail." + proto + ".host", "127.0.0.1");
        p.put("mail." + proto + ".port", String.valueOf(port));
        p.put("mail." + proto + ".auth", "true");
        p.put("mail." + proto + ".ssl.trust", "*");
        p.put("mail." + proto + ".ssl.checkserveridentity", "false");
        if (!implicitTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.auth.mechanisms", "PLAIN");
        } else {
            p.put("mail.smtps.auth.mechanisms", "LOGIN");
        }
        p.put("mail." + proto + ".timeout", "20000");
        return Session.getInstance(p);
    }

    @Test
    void angusStartTlsPlainLandsInInboxAndSentByteForByte() throws Exception {
        var session = angus(false, herald.smtpPort(Listener.SUBMISSION));
        var msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress("alice@acme.com", "Alice Agent"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@acme.com"));
        msg.setSubject("Quarterly numbers ✓", "UTF-8");
        var text = new MimeBodyPart();
        // CRLF content: Angus sends CRLF on the wire, so writeTo() then equals the bytes sent.
        text.setText("Here are the numbers.\r\n.a line starting with a dot\r\n", "UTF-8");
        var attachment = new MimeBodyPart();
        attachment.setFileName("numbers.csv");
        attachment.setContent("a,b\r\n1,2\r\n", "text/csv");
        msg.setContent(new MimeMultipart(text, attachment));
        msg.saveChanges();
        var sent = new ByteArrayOutputStream();
        msg.writeTo(sent);

        try (var transport = session.getTransport("smtp")) {
            transport.connect("alice@acme.com", alicePassword);
            transport.sendMessage(msg, msg.getAllRecipients());
        }
        var inbox = awaitOne("bob@acme.com", "INBOX", msg.getMessageID());
        var sentCopy = awaitOne("alice@acme.com", "Sent", msg.getMessageID());
        var raw = raw("bob@acme.com", "INBOX", inbox.get("uid").asLong());
        assertThat(belowTrace(raw)).as("headers and body intact below the trace header").isEqualTo(sent.toByteArray());
        var trace = new String(raw, 0, raw.length - sent.size(), StandardCharsets.UTF_8);
        assertThat(trace).startsWith("Received: from ").contains("with ESMTPSA (TLSv1.3").contains("(authenticated as alice@acme.com by PLAIN)")
                .contains("for <bob@acme.com>");
        assertThat(belowTrace(raw("alice@acme.com", "Sent", sentCopy.get("uid").asLong()))).isEqualTo(sent.toByteArray());
        assertThat(sentCopy.get("flags").toString()).contains("\\\\Seen");
        assertThat(inbox.get("subject").asText()).isEqualTo("Quarterly numbers ✓");
    }

    @Test
    void angusImplicitTlsLogin() throws Exception {
        var session = angus(true, herald.smtpPort(Listener.SUBMISSIONS));
        var msg = new MimeMessage(session);
        msg.setFrom("bob@acme.com");
        msg.setRecipients(Message.RecipientType.TO, "alice@acme.com, partner@remote.example");
        msg.setSubject("implicit tls");
        msg.setText("hello over 465");
        msg.saveChanges();
        try (var transport = session.getTransport("smtps")) {
            transport.connect("bob@acme.com", bobPassword);
            transport.sendMessage(msg, msg.getAllRecipients());
        }
        var inbox = awaitOne("alice@acme.com", "INBOX", msg.getMessageID());
        var raw = new String(raw("alice@acme.com", "INBOX", inbox.get("uid").asLong()), StandardCharsets.UTF_8);
        assertThat(raw).contains("(authenticated as bob@acme.com by LOGIN)");
        assertThat(raw).doesNotContain("for <alice@acme.com>"); // two recipients: no single "for"
        awaitOne("bob@acme.com", "Sent", msg.getMessageID());
        // The remote recipient waits in the sending tenant's queue.
        await().until(() -> expect(200, admin.get("/v1/queue?tenant=acme")).get("entries").toString().contains("partner@remote.example"));
        JsonNode entry = null;
        for (var e : expect(200, admin.get("/v1/queue?tenant=acme")).get("entries")) {
            assertThat(e.get("recipient").asText()).as("hosted recipients are delivered, never queued").doesNotEndWith("@acme.com");
            if (e.get("recipient").asText().equals("partner@remote.example")) {
                entry = e;
            }
        }
        assertThat(entry.get("sender").asText()).isEqualTo("bob@acme.com");
        assertThat(entry.get("state").asText()).isEqualTo("waiting");
    }

    @Test
    void pythonSmtplibWith8bitAndSmtputf8() throws Exception {
        var python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            System.err.println("*** SKIPPED pythonSmtplibWith8bitAndSmtputf8: python3 is not installed ***");
        }
        assumeTrue(Files.isExecutable(python), "python3 is not installed");
        var script = """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
                s.ehlo(); s.starttls(context=ctx); s.ehlo()
                assert s.has_extn("smtputf8") and s.has_extn("8bitmime") and s.has_extn("chunking")
                s.login("alice@acme.com", sys.argv[2])
                body = "From: alice@acme.com\\r\\nTo: bob@acme.com\\r\\nSubject: Grüße\\r\\nMessage-ID: <py-8bit@acme.com>\\r\\nContent-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: 8bit\\r\\n\\r\\nschöne Grüße aus Köln\\r\\n".encode("utf-8")
                r = s.sendmail("alice@acme.com", ["bob@acme.com", "用户@例子.example"], body, mail_options=["BODY=8BITMIME", "SMTPUTF8"])
                assert r == {}, r
                s.quit()
                print("sent")
                """;
        var p = new ProcessBuilder(python.toString(), "-c", script, String.valueOf(herald.smtpPort(Listener.SUBMISSION)), alicePassword)
                .redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("sent");
        var inbox = awaitOne("bob@acme.com", "INBOX", "<py-8bit@acme.com>");
        var raw = new String(raw("bob@acme.com", "INBOX", inbox.get("uid").asLong()), StandardCharsets.UTF_8);
        assertThat(raw).contains("with UTF8SMTPSA").endsWith("schöne Grüße aus Köln\r\n");
        assertThat(inbox.get("subject").asText()).isEqualTo("Grüße");
    }

    @Test
    void swaksPipelining() throws Exception {
        var swaks = Path.of("/usr/bin/swaks");
        if (!Files.isExecutable(swaks)) {
            System.err.println("*** SKIPPED swaksPipelining: swaks is not installed (apt-get install swaks) ***");
        }
        assumeTrue(Files.isExecutable(swaks), "swaks is not installed");
        var p = new ProcessBuilder(swaks.toString(), "--server", "127.0.0.1:" + herald.smtpPort(Listener.SUBMISSION), "--tls",
                "--auth", "PLAIN", "--auth-user", "bob@acme.com", "--auth-password", bobPassword, "--from", "bob@acme.com",
                "--to", "alice@acme.com", "--header", "Message-Id: <swaks-pipe@acme.com>", "--header", "Subject: via swaks",
                "--pipeline").redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("250 2.0.0 OK queued as");
        awaitOne("alice@acme.com", "INBOX", "<swaks-pipe@acme.com>");
    }

    @Test
    void bdatChunksPipelined() throws Exception {
        try (var s = SmtpScript.implicitTls(herald.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain("alice@acme.com", alicePassword)).startsWith("235");
            var part1 = "From: alice@acme.com\r\nTo: bob@acme.com\r\nMessage-ID: <bdat@acme.com>\r\nSubject: chunks\r\n\r\n";
            var part2 = ".no dot stuffing in BDAT\r\n";
            // Everything in one write: PIPELINING with CHUNKING.
            s.write("MAIL FROM:<alice@acme.com> BODY=8BITMIME\r\nRCPT TO:<bob@acme.com>\r\n"
                    + "BDAT " + part1.length() + "\r\n" + part1 + "BDAT " + part2.length() + " LAST\r\n" + part2);
            assertThat(s.reply()).startsWith("250 2.1.0");
            assertThat(s.reply()).startsWith("250 2.1.5");
            assertThat(s.reply()).isEqualTo("250 2.0.0 " + part1.length() + " octets received");
            assertThat(s.reply()).startsWith("250 2.0.0 OK queued as");
            var inbox = awaitOne("bob@acme.com", "INBOX", "<bdat@acme.com>");
            var raw = new String(raw("bob@acme.com", "INBOX", inbox.get("uid").asLong()), StandardCharsets.UTF_8);
            assertThat(raw).endsWith(part1 + part2);
        }
    }

    static JsonNode awaitOne(String mailbox, String folder, String messageId) {
        await().atMost(java.time.Duration.ofSeconds(20)).until(() -> find(mailbox, folder, messageId) != null);
        return find(mailbox, folder, messageId);
    }

    private static JsonNode find(String mailbox, String folder, String messageId) {
        var list = expect(200, admin.get("/v1/mailboxes/" + mailbox + "/messages?folder=" + folder)).get("messages");
        JsonNode found = null;
        int count = 0;
        for (var m : list) {
            if (messageId.equals(m.get("message_id").asText())) {
                found = m;
                count++;
            }
        }
        assertThat(count).as("copies of " + messageId + " in " + mailbox + "/" + folder).isLessThanOrEqualTo(1);
        return found;
    }

    static byte[] raw(String mailbox, String folder, long uid) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(herald.url() + "/v1/mailboxes/" + mailbox + "/messages/" + uid + "/raw?folder=" + folder))
                .header("Authorization", "Bearer " + herald.adminKey()).build();
        var resp = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(resp.statusCode()).isEqualTo(200);
        return resp.body();
    }

    /** The message without the Received: header Herald put on top (a header line and its folded continuations). */
    static byte[] belowTrace(byte[] raw) {
        var s = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(s).startsWith("Received: ");
        int i = s.indexOf("\r\n") + 2;
        while (s.charAt(i) == '\t' || s.charAt(i) == ' ') {
            i = s.indexOf("\r\n", i) + 2;
        }
        return java.util.Arrays.copyOfRange(raw, i, raw.length);
    }
}
