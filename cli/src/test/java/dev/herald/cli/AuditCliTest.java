package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log through the real CLI: admin actions and a mailbox's login, send and deletion are
 * recorded, the chain verifies; an entry edited in the database (as an intruder with the file
 * would) makes `herald audit --verify` fail naming that entry, and so does a removed one.
 */
class AuditCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void theChainVerifiesAndAnEditedOrRemovedEntryIsNamed() throws Exception {
        try (var h = TestHerald.start(data)) {
            var admin = h.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.example");
            var password = admin.createMailbox("agent@acme.example").get("credentials").get("password").asText();
            admin.createMailbox("peer@acme.example");
            try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
                s.hello();
                assertThat(s.authPlain("agent@acme.example", password)).startsWith("235");
                s.send("MAIL FROM:<agent@acme.example>");
                assertThat(s.send("RCPT TO:<peer@acme.example>")).startsWith("250");
                s.send("DATA");
                assertThat(s.send("From: agent@acme.example\r\nSubject: hi\r\n\r\nhi\r\n.")).startsWith("250");
            }
            try (var imap = ImapScript.tls(h.imapPort(true))) {
                assertThat(imap.status("LOGIN agent@acme.example " + password)).startsWith("OK");
                await().atMost(Duration.ofSeconds(10)).until(() -> imap.run("SELECT Sent").toString().contains("1 EXISTS"));
                assertThat(imap.status("STORE 1 +FLAGS (\\Deleted)")).startsWith("OK");
                assertThat(imap.status("EXPUNGE")).startsWith("OK");
            }

            var list = CliRun.run(h.url(), h.adminKey(), "audit", "--json");
            assertThat(list.exit()).as(list.err()).isZero();
            var actions = new ArrayList<String>();
            JSON.readTree(list.out()).get("entries").forEach(e -> actions.add(e.get("action").asText() + " " + e.get("actor").asText()
                    + " " + e.get("detail").asText()));
            assertThat(actions).anyMatch(a -> a.startsWith("admin key ") && a.contains("POST /v1/tenants -> 201"));
            assertThat(actions).anyMatch(a -> a.startsWith("admin key ") && a.contains("POST /v1/mailboxes -> 201"));
            assertThat(actions).anyMatch(a -> a.startsWith("login mailbox agent@acme.example SMTP AUTH PLAIN"));
            assertThat(actions).anyMatch(a -> a.startsWith("send mailbox agent@acme.example submission"));
            assertThat(actions).anyMatch(a -> a.startsWith("login mailbox agent@acme.example IMAP login"));
            assertThat(actions).anyMatch(a -> a.startsWith("deleted mailbox agent@acme.example IMAP EXPUNGE of 1 message(s) in Sent"));
            var ok = CliRun.run(h.url(), h.adminKey(), "audit", "--verify");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.out()).matches("audit log intact: \\d+ entries verified\\n");

            // An intruder with the database file changes what entry 3 says.
            h.restartAfter(() -> sql(data, "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 3"));
            var edited = CliRun.run(h.url(), h.adminKey(), "audit", "--verify");
            assertThat(edited.exit()).isEqualTo(1);
            assertThat(edited.err()).isEqualTo("herald: audit log broken at entry 3: its content does not match its hash (the entry was edited)\n");

            // ... and then removes entry 2: the walk stops where the chain has a hole.
            h.restartAfter(() -> sql(data, "DELETE FROM audit_log WHERE id = 2"));
            var removed = CliRun.run(h.url(), h.adminKey(), "audit", "--verify");
            assertThat(removed.exit()).isEqualTo(1);
            assertThat(removed.err()).startsWith("herald: audit log broken at entry 3: entry 2 is missing");
        }
    }

    private static void sql(Path data, String statement) {
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("herald"), "herald", "");
             var st = c.createStatement()) {
            st.executeUpdate(statement);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
