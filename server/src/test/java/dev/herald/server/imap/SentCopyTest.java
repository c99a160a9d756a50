package dev.herald.server.imap;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.TestHerald;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mail client (Angus Mail, as Thunderbird or mutt do) sends over submission and then APPENDs its
 * own copy to Sent: Sent holds one copy, and the APPEND's APPENDUID names it. With sent.copy off
 * for a mailbox, Herald files nothing and the client's APPEND is stored.
 */
class SentCopyTest {
    @TempDir
    static Path dir;
    static TestHerald h;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() {
        h = TestHerald.start(dir, Map.of());
        h.admin().createTenant("acme");
        h.admin().addDomain("acme", "acme.com");
        alice = h.admin().createMailbox("alice@acme.com").get("credentials").get("password").asText();
        bob = h.admin().createMailbox("bob@acme.com").get("credentials").get("password").asText();
        h.admin().createMailbox("carol@acme.com");
        expect(200, h.admin().patch("/v1/policy?tenant=acme&mailbox=bob@acme.com", Map.of("sent.copy", "false")));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static Session session() {
        var p = new Properties();
        p.put("mail.smtps.host", "127.0.0.1");
        p.put("mail.smtps.port", String.valueOf(h.smtpPort(Listener.SUBMISSIONS)));
        p.put("mail.smtps.auth", "true");
        p.put("mail.smtps.ssl.trust", "*");
        p.put("mail.smtps.ssl.checkserveridentity", "false");
        p.put("mail.imaps.ssl.trust", "*");
        p.put("mail.imaps.ssl.checkserveridentity", "false");
        p.put("mail.imaps.port", String.valueOf(h.imapPort(true)));
        return Session.getInstance(p);
    }

    /** Sends as a client does, then APPENDs the same message to Sent; returns the APPENDUID. */
    private static long sendAndAppend(String user, String password, String subject) throws Exception {
        return sendAndAppend(user, password, subject, () -> { });
    }

    private static long sendAndAppend(String user, String password, String subject, ThrowingRunnable betweenSendAndAppend) throws Exception {
        var session = session();
        var msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress(user));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("carol@acme.com"));
        msg.setSubject(subject);
        msg.setText("hello carol");
        msg.saveChanges(); // the Message-ID is set now, the same in both copies
        try (var t = session.getTransport("smtps")) {
            t.connect(user, password);
            t.sendMessage(msg, msg.getAllRecipients());
        }
        betweenSendAndAppend.run();
        try (Store store = session.getStore("imaps")) {
            store.connect("127.0.0.1", user, password);
            var sent = (IMAPFolder) store.getFolder("Sent");
            sent.open(Folder.READ_WRITE);
            if (user.startsWith("alice")) {
                // Herald's own copy is filed after the 250, by delivery: wait for it as a client would not need to.
                await().atMost(Duration.ofSeconds(10)).until(() -> sent.getMessageCount() > 0);
            }
            msg.setFlag(Flags.Flag.SEEN, true);
            var uids = sent.appendUIDMessages(new Message[] {msg});
            sent.close(false);
            return uids[0].uid;
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static int sentCount(String user, String password) throws Exception {
        try (Store store = session().getStore("imaps")) {
            store.connect("127.0.0.1", user, password);
            var sent = store.getFolder("Sent");
            sent.open(Folder.READ_ONLY);
            return sent.getMessageCount();
        }
    }

    @Test
    void theClientsAppendToSentReturnsTheCopyAlreadyThere() throws Exception {
        long uid = sendAndAppend("alice@acme.com", alice, "one copy please");
        assertThat(sentCount("alice@acme.com", alice)).isEqualTo(1);
        var listed = expect(200, h.admin().get("/v1/mailboxes/alice@acme.com/messages?folder=Sent")).get("messages");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("uid").asLong()).isEqualTo(uid);
        // A different message appended to Sent is stored as usual.
        try (Store store = session().getStore("imaps")) {
            store.connect("127.0.0.1", "alice@acme.com", alice);
            var sent = (IMAPFolder) store.getFolder("Sent");
            sent.open(Folder.READ_WRITE);
            var other = new MimeMessage(session());
            other.setFrom(new InternetAddress("alice@acme.com"));
            other.setSubject("a draft I keep");
            other.setText("x");
            other.saveChanges();
            sent.appendUIDMessages(new Message[] {other});
            assertThat(sent.getMessageCount()).isEqualTo(2);
        }
    }

    @Test
    void withSentCopyOffTheServerFilesNothingAndTheClientsCopyIsKept() throws Exception {
        sendAndAppend("bob@acme.com", bob, "client copy only", () -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> expect(200, h.admin().get("/v1/mailboxes/carol@acme.com/messages?folder=INBOX"))
                    .get("messages").toString().contains("client copy only"));
            // Delivery has run (carol has it): a server copy would be in Sent by now.
            assertThat(sentCount("bob@acme.com", bob)).isZero();
        });
        assertThat(sentCount("bob@acme.com", bob)).isEqualTo(1);
    }
}
