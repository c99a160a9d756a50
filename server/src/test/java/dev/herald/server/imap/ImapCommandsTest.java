package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scripted session through the commands the client tests do not reach, each with the exact response. */
class ImapCommandsTest {
    @TempDir
    static Path data;
    static TestHerald herald;
    static String password;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(data);
        herald.admin().createTenant("acme");
        herald.admin().addDomain("acme", "acme.com");
        password = herald.admin().createMailbox("cmd@acme.com").get("credentials").get("password").asText();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    @Test
    void aDraftAppendedOverImapIsLaterSentOverSmtp() throws Exception {
        herald.admin().createMailbox("reader@acme.com");
        var draft = "From: cmd@acme.com\r\nTo: reader@acme.com\r\nSubject: drafted\r\nMessage-ID: <draft-1@acme.com>\r\n\r\nready to go\r\n";
        String fetched;
        try (var s = ImapScript.tls(herald.imapPort(true))) {
            s.status("LOGIN cmd@acme.com " + password);
            assertThat(s.status("APPEND Drafts (\\Draft) {" + draft.length() + "+}\r\n" + draft)).startsWith("OK [APPENDUID");
            s.status("SELECT Drafts");
            var lines = s.run("UID SEARCH DRAFT SUBJECT drafted");
            var uid = lines.get(0).substring("* SEARCH ".length()).trim();
            s.raw("f1 UID FETCH " + uid + " BODY.PEEK[]\r\n");
            var head = s.readLine();
            int size = Integer.parseInt(head.replaceAll(".*\\{(\\d+)\\}$", "$1"));
            var sb = new StringBuilder();
            while (sb.length() < size) {
                sb.append(s.readLine()).append("\r\n");
            }
            fetched = sb.substring(0, size);
        }
        assertThat(fetched).isEqualTo(draft);
        try (var smtp = SmtpScript.implicitTls(herald.smtpPort(dev.herald.server.smtp.session.Listener.SUBMISSIONS))) {
            smtp.hello();
            assertThat(smtp.authPlain("cmd@acme.com", password)).startsWith("235");
            smtp.send("MAIL FROM:<cmd@acme.com>");
            smtp.send("RCPT TO:<reader@acme.com>");
            smtp.send("DATA");
            assertThat(smtp.send(fetched + ".")).startsWith("250");
        }
        org.awaitility.Awaitility.await().until(() -> dev.herald.server.testing.TestApi.expect(200,
                herald.admin().get("/v1/mailboxes/reader@acme.com/messages")).toString().contains("<draft-1@acme.com>"));
    }

    @Test
    void startTlsThenLoginOnThePlainPort() throws Exception {
        try (var socket = new Socket("127.0.0.1", herald.imapPort(false))) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK [CAPABILITY IMAP4rev1").contains("STARTTLS").contains("LOGINDISABLED");
            // Plaintext pipelined behind STARTTLS must be discarded, never answered.
            out.write("s1 STARTTLS\r\ns2 LOGIN cmd@acme.com x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).isEqualTo("s1 OK Begin TLS negotiation now");
            var tls = (javax.net.ssl.SSLSocket) SmtpScript.trustAll().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
            tls.startHandshake();
            var tin = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
            var tout = tls.getOutputStream();
            tout.write("s3 CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII));
            tout.flush();
            var caps = tin.readLine();
            assertThat(caps).contains("AUTH=PLAIN").doesNotContain("STARTTLS").doesNotContain("LOGINDISABLED");
            assertThat(tin.readLine()).as("s2 was dropped, so the next tagged reply is s3's").isEqualTo("s3 OK CAPABILITY completed");
            tout.write(("s4 LOGIN cmd@acme.com " + password + "\r\n").getBytes(StandardCharsets.US_ASCII));
            tout.flush();
            assertThat(tin.readLine()).isEqualTo("s4 OK logged in");
        }
    }

    @Test
    void everyOtherCommand() throws Exception {
        try (var s = ImapScript.tls(herald.imapPort(true))) {
            // AUTHENTICATE PLAIN with a continuation
            s.raw("a1 AUTHENTICATE PLAIN\r\n");
            assertThat(s.readLine()).isEqualTo("+ ");
            s.raw(Base64.getEncoder().encodeToString(("\0cmd@acme.com\0" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n");
            assertThat(s.readLine()).isEqualTo("a1 OK logged in");
            assertThat(s.run("ID (\"name\" \"test\")").get(0)).startsWith("* ID (\"name\" \"Herald\"");
            assertThat(s.run("NAMESPACE").get(0)).isEqualTo("* NAMESPACE ((\"\" \"/\")) NIL NIL");
            assertThat(s.run("ENABLE CONDSTORE").get(0)).isEqualTo("* ENABLED CONDSTORE");
            assertThat(s.status("CREATE Notes")).isEqualTo("OK CREATE completed");
            assertThat(s.status("UNSUBSCRIBE Notes")).isEqualTo("OK UNSUBSCRIBE completed");
            assertThat(s.run("LSUB \"\" *")).noneMatch(l -> l.contains("\"Notes\""));
            assertThat(s.status("SUBSCRIBE Notes")).isEqualTo("OK SUBSCRIBE completed");
            assertThat(s.run("LSUB \"\" Not%")).contains("* LSUB (\\HasNoChildren) \"/\" \"Notes\"");
            assertThat(s.status("APPEND INBOX (\\Flagged) {27+}\r\nSubject: one\r\n\r\n0123456789\r\n")).startsWith("OK [APPENDUID");
            assertThat(s.status("APPEND INBOX {27+}\r\nSubject: two\r\n\r\nabcdefghij\r\n")).startsWith("OK [APPENDUID");
            var select = s.run("SELECT INBOX");
            assertThat(select).contains("* 2 EXISTS").anyMatch(l -> l.startsWith("* OK [HIGHESTMODSEQ "));
            assertThat(s.status("CHECK")).isEqualTo("OK CHECK completed");
            // partial fetch, MODSEQ, EMAILID
            var partial = s.run("FETCH 1 (BODY.PEEK[TEXT]<2.4> MODSEQ EMAILID)");
            assertThat(partial.get(0)).startsWith("* 1 FETCH (BODY[TEXT]<2> {4}");
            assertThat(partial.get(1)).startsWith("2345 MODSEQ (").contains("EMAILID (M");
            // CONDSTORE: CHANGEDSINCE, UNCHANGEDSINCE, SEARCH MODSEQ
            var modseq = Long.parseLong(s.run("FETCH 2 (MODSEQ)").get(0).replaceAll(".*MODSEQ \\((\\d+)\\).*", "$1"));
            assertThat(s.status("STORE 2 (UNCHANGEDSINCE " + modseq + ") +FLAGS (\\Answered)")).isEqualTo("OK STORE completed");
            assertThat(s.status("STORE 2 (UNCHANGEDSINCE " + modseq + ") +FLAGS (\\Seen)")).isEqualTo("OK [MODIFIED 2] conditional STORE failed");
            assertThat(s.run("FETCH 1:* (FLAGS) (CHANGEDSINCE " + modseq + ")")).hasSize(2).first().asString().startsWith("* 2 FETCH");
            assertThat(s.run("SEARCH MODSEQ " + (modseq + 1)).get(0)).startsWith("* SEARCH 2 (MODSEQ ");
            // COPY with COPYUID, UID EXPUNGE of one message only
            assertThat(s.status("COPY 1:2 Notes")).matches("OK \\[COPYUID \\d+ 1,2 1,2\\] COPY completed");
            s.status("STORE 1:2 +FLAGS.SILENT (\\Deleted)");
            assertThat(s.run("UID EXPUNGE 1")).containsExactly("* 1 EXPUNGE", "OK UID EXPUNGE completed");
            // IDLE / DONE
            s.raw("i1 IDLE\r\n");
            assertThat(s.readLine()).isEqualTo("+ idling");
            s.raw("DONE\r\n");
            assertThat(s.readLine()).isEqualTo("i1 OK IDLE terminated");
            // CLOSE expunges \Deleted silently; UNSELECT does not
            assertThat(s.run("CLOSE")).containsExactly("OK CLOSE completed");
            assertThat(s.run("STATUS INBOX (MESSAGES)").get(0)).isEqualTo("* STATUS \"INBOX\" (MESSAGES 0)");
            s.status("SELECT Notes");
            s.status("STORE 1 +FLAGS.SILENT (\\Deleted)");
            assertThat(s.status("UNSELECT")).isEqualTo("OK UNSELECT completed");
            assertThat(s.run("STATUS Notes (MESSAGES UNSEEN UIDNEXT)").get(0)).isEqualTo("* STATUS \"Notes\" (MESSAGES 2 UNSEEN 2 UIDNEXT 3)");
            assertThat(s.status("DELETE Notes")).isEqualTo("OK DELETE completed");
            assertThat(s.run("LOGOUT")).containsExactly("* BYE Herald logging out", "OK LOGOUT completed");
        }
    }
}
