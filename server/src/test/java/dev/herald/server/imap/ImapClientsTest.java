package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SubjectTerm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real IMAP clients over real sockets: Angus Mail, Python's imaplib, curl. */
class ImapClientsTest {
    @TempDir
    static Path data;
    static TestHerald herald;
    static TestApi admin;
    static String password;

    @BeforeAll
    static void start() throws Exception {
        herald = TestHerald.start(data);
        admin = herald.admin();
        admin.createTenant("acme");
        admin.addDomain("acme", "acme.com");
        password = admin.createMailbox("reader@acme.com").get("credentials").get("password").asText();
        deliver("<multi@x.example>", "Report with attachment", multipart());
        deliver("<plain@x.example>", "Plain note", "Content-Type: text/plain\r\n\r\njust text\r\n");
        await().until(() -> TestApi.expect(200, admin.get("/v1/mailboxes/reader@acme.com/messages")).get("messages").size() == 2);
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    static String multipart() {
        return "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                + "see attached\r\n--b1\r\nContent-Type: text/csv; name=\"n.csv\"\r\nContent-Disposition: attachment; filename=\"n.csv\"\r\n\r\n"
                + "a,b\r\n1,2\r\n--b1--\r\n";
    }

    static void deliver(String messageId, String subject, String rest) throws Exception {
        try (var s = SmtpScript.plain(herald.smtpPort(Listener.MX))) {
            s.hello();
            s.send("MAIL FROM:<sender@x.example>");
            s.send("RCPT TO:<reader@acme.com>");
            s.send("DATA");
            assertThat(s.send("From: Sender <sender@x.example>\r\nTo: reader@acme.com\r\nMessage-ID: " + messageId + "\r\nSubject: " + subject
                    + "\r\n" + rest + ".")).startsWith("250");
        }
    }

    private static Store angus() throws Exception {
        var p = new Properties();
        p.put("mail.imaps.ssl.trust", "*");
        p.put("mail.imaps.ssl.checkserveridentity", "false");
        p.put("mail.imaps.port", String.valueOf(herald.imapPort(true)));
        p.put("mail.imaps.timeout", "20000");
        p.put("mail.debug", System.getProperty("imap.debug", "false"));
        var store = Session.getInstance(p).getStore("imaps");
        store.connect("127.0.0.1", "reader@acme.com", password);
        return store;
    }

    @Test
    void angusFoldersFetchFlagsSearch() throws Exception {
        try (var store = angus()) {
            var names = Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
            assertThat(names).contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
            var inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            var report = inbox.search(new SubjectTerm("attachment"));
            assertThat(report).hasSize(1);
            var m = report[0];
            assertThat(m.getFrom()[0].toString()).isEqualTo("Sender <sender@x.example>");
            var mp = (Multipart) m.getContent();
            assertThat(mp.getCount()).isEqualTo(2);
            assertThat(String.valueOf(mp.getBodyPart(0).getContent())).isEqualTo("see attached");
            assertThat(mp.getBodyPart(1).getFileName()).isEqualTo("n.csv");
            assertThat(new String(mp.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("a,b\r\n1,2");
            assertThat(m.isSet(Flags.Flag.SEEN)).as("reading the body set \\Seen").isTrue();
            m.setFlag(Flags.Flag.FLAGGED, true);
            assertThat(inbox.search(new FlagTerm(new Flags(Flags.Flag.FLAGGED), true))).hasSize(1);
            assertThat(inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))).extracting(Message::getSubject)
                    .containsExactly("Plain note");
            inbox.close(false);
        }
    }

    @Test
    void angusIdleIsWokenByADeliveryAndUidMoveWorks() throws Exception {
        try (var store = angus()) {
            var inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            int before = inbox.getMessageCount();
            var idling = CompletableFuture.runAsync(() -> {
                try {
                    inbox.idle(true); // returns when the server reports a change
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
            long sent = System.nanoTime();
            deliver("<wake@x.example>", "Wake up", "Content-Type: text/plain\r\n\r\nwake\r\n");
            idling.get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("IDLE told within a second").isLessThan(Duration.ofSeconds(1));
            assertThat(inbox.getMessageCount()).isEqualTo(before + 1);

            var wake = inbox.search(new SubjectTerm("Wake up"))[0];
            var moved = inbox.moveUIDMessages(new Message[] {wake}, store.getFolder("Archive"));
            assertThat(moved).hasSize(1);
            assertThat(moved[0].uid).as("the new UID, from COPYUID").isPositive();
            assertThat(inbox.search(new SubjectTerm("Wake up"))).as("gone from INBOX").isEmpty();
            var archive = (IMAPFolder) store.getFolder("Archive");
            archive.open(Folder.READ_ONLY);
            assertThat(archive.search(new SubjectTerm("Wake up"))).hasSize(1);
            assertThat(((UIDFolder) archive).getUIDValidity()).isPositive();
            archive.close(false);
            inbox.close(false);
        }
    }

    @Test
    void pythonImaplib() throws Exception {
        var python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            System.err.println("*** SKIPPED pythonImaplib: python3 is not installed ***");
        }
        assumeTrue(Files.isExecutable(python));
        var script = """
                import imaplib, ssl, sys, re
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                M = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
                assert "STARTTLS" in M.capabilities and "LOGINDISABLED" in M.capabilities
                M.starttls(ssl_context=ctx)
                M.login("reader@acme.com", sys.argv[2])
                typ, data = M.append("Drafts", "(\\\\Draft)", None, b"From: reader@acme.com\\r\\nTo: x@remote.example\\r\\nSubject: draft one\\r\\n\\r\\nto be sent later\\r\\n")
                assert typ == "OK" and b"APPENDUID" in data[0], data
                M.select("INBOX")
                typ, data = M.uid("SEARCH", None, "ALL")
                uids = data[0].split()
                assert len(uids) >= 2, data
                typ, data = M.uid("FETCH", b",".join(uids).decode(), "(UID THREADID EMAILID FLAGS)")
                assert typ == "OK" and all(b"THREADID (T" in d for d in data), data
                typ, data = M.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT", "note")
                assert len(data[0].split()) == 1, data
                typ, data = M.thread("REFERENCES", "UTF-8", "ALL")
                assert typ == "OK" and data[0].startswith(b"("), data
                typ, data = M.sort("(REVERSE ARRIVAL)", "UTF-8", "ALL")
                assert typ == "OK" and data[0].split()[0] == str(len(uids)).encode(), data
                typ, data = M.append("INBOX", None, None, b"From: reader@acme.com\\r\\nSubject: to be moved\\r\\n\\r\\nx\\r\\n")
                moved = re.search(rb"APPENDUID \\d+ (\\d+)", data[0]).group(1).decode()
                M.noop()
                typ, data = M.uid("MOVE", moved, "Trash")
                assert typ == "OK", data
                typ, data = M.select("Trash")
                assert int(data[0]) >= 1, data
                M.select("Drafts")
                typ, data = M.fetch("1", "(FLAGS BODY.PEEK[TEXT])")
                assert b"\\\\Draft" in data[0][0] and data[0][1] == b"to be sent later\\r\\n", data
                M.logout()
                print("imaplib ok")
                """;
        var p = new ProcessBuilder(python.toString(), "-c", script, String.valueOf(herald.imapPort(false)), password)
                .redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("imaplib ok");
    }

    @Test
    void curlImap() throws Exception {
        var curl = Path.of("/usr/bin/curl");
        if (!Files.isExecutable(curl)) {
            System.err.println("*** SKIPPED curlImap: curl is not installed ***");
        }
        assumeTrue(Files.isExecutable(curl));
        var p = new ProcessBuilder(curl.toString(), "-sS", "--insecure", "--user", "reader@acme.com:" + password,
                "imaps://127.0.0.1:" + herald.imapPort(true) + "/INBOX;UID=1;SECTION=HEADER.FIELDS%20(SUBJECT)")
                .redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("Subject: Report with attachment");
        var list = new ProcessBuilder(curl.toString(), "-sS", "--insecure", "--user", "reader@acme.com:" + password,
                "imaps://127.0.0.1:" + herald.imapPort(true) + "/").redirectErrorStream(true).start();
        var listed = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(listed).contains("\"INBOX\"").contains("\\Sent");
    }
}
