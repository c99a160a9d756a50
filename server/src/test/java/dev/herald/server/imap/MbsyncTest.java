package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real mail client syncing both ways: isync's mbsync (Debian) mirrors the mailbox into a local
 * Maildir, a flag set locally reaches the server, a flag set on the server reaches the Maildir,
 * and a message written into the Maildir is uploaded. Runs when mbsync is installed (.ci/run
 * installs isync); says so loudly when skipped.
 */
class MbsyncTest {
    @TempDir
    Path data;
    @TempDir
    Path local;

    @Test
    void twoWaySyncWithAFlagChangeEachWay() throws Exception {
        var mbsync = Path.of("/usr/bin/mbsync");
        if (!Files.isExecutable(mbsync)) {
            System.err.println("*** SKIPPED MbsyncTest: mbsync is not installed (apt-get install isync) ***");
        }
        assumeTrue(Files.isExecutable(mbsync), "mbsync is not installed");
        // The certificate is made for server.hostname; mbsync checks it against the host it connects to.
        try (var herald = TestHerald.start(data, Map.of("server.hostname", "localhost"))) {
            var admin = herald.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            var password = admin.createMailbox("sync@acme.com").get("credentials").get("password").asText();
            for (var id : List.of("one", "two")) {
                try (var s = SmtpScript.plain(herald.smtpPort(Listener.MX))) {
                    s.hello();
                    s.send("MAIL FROM:<x@remote.example>");
                    s.send("RCPT TO:<sync@acme.com>");
                    s.send("DATA");
                    s.send("From: x@remote.example\r\nMessage-ID: <" + id + "@remote.example>\r\nSubject: " + id + "\r\n\r\n" + id + "\r\n.");
                }
            }
            await().until(() -> messages(admin).size() == 2);
            Files.createDirectories(local.resolve("mail"));
            var rc = local.resolve("mbsyncrc");
            Files.writeString(rc, String.join("\n",
                    "IMAPAccount herald", "Host localhost", "Port " + herald.imapPort(true), "User sync@acme.com", "Pass " + password,
                    "SSLType IMAPS", "CertificateFile " + data.resolve("tls/cert.pem"), "AuthMechs LOGIN", "",
                    "IMAPStore remote", "Account herald", "",
                    "MaildirStore near", "Path " + local.resolve("mail") + "/", "Inbox " + local.resolve("mail/INBOX"), "", 
                    "Channel sync", "Far :remote:", "Near :near:", "Patterns INBOX", "Create Both", "SyncState *", "Sync All", "Expunge None", ""));

            run(mbsync, rc);
            var files = maildir(local.resolve("mail/INBOX"));
            assertThat(files).hasSize(2);
            assertThat(files.stream().map(this::read)).anyMatch(t -> t.contains("Subject: one")).anyMatch(t -> t.contains("Subject: two"));

            // Local → server: flag "one" in the Maildir (the F in the file name's info).
            var one = files.stream().filter(f -> read(f).contains("Subject: one")).findFirst().orElseThrow();
            var flagged = one.resolveSibling(one.getFileName().toString().replaceAll(":2,([A-Z]*)$", ":2,F$1"));
            Files.move(one, one.getParent().getFileName().toString().equals("cur") ? flagged : one.getParent().resolveSibling("cur").resolve(flagged.getFileName()));
            // Server → local: mark "two" seen over IMAP.
            try (var s = ImapScript.tls(herald.imapPort(true))) {
                s.status("LOGIN sync@acme.com " + password);
                s.status("SELECT INBOX");
                assertThat(s.status("UID STORE 2 +FLAGS (\\Seen)")).startsWith("OK");
            }
            // A message written locally goes up.
            var fresh = local.resolve("mail/INBOX/new/1700000000.local.test");
            Files.writeString(fresh, "From: sync@acme.com\r\nSubject: written locally\r\nMessage-ID: <local@acme.com>\r\n\r\nhi\r\n");

            run(mbsync, rc);
            var after = messages(admin);
            assertThat(after).anyMatch(m -> m.contains("\"subject\":\"one\"") && m.contains("\\\\Flagged"));
            assertThat(after).anyMatch(m -> m.contains("\"subject\":\"written locally\""));
            var two = maildir(local.resolve("mail/INBOX")).stream().filter(f -> read(f).contains("Subject: two")).findFirst().orElseThrow();
            assertThat(two.getFileName().toString()).matches(".*:2,[A-Z]*S[A-Z]*");
        }
    }

    private static List<String> messages(TestApi admin) {
        var out = new java.util.ArrayList<String>();
        TestApi.expect(200, admin.get("/v1/mailboxes/sync@acme.com/messages")).get("messages").forEach(m -> out.add(m.toString()));
        return out;
    }

    private static void run(Path mbsync, Path rc) throws Exception {
        var p = new ProcessBuilder(mbsync.toString(), "-c", rc.toString(), "sync").redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static List<Path> maildir(Path dir) throws Exception {
        try (Stream<Path> cur = Files.list(dir.resolve("cur")); Stream<Path> fresh = Files.list(dir.resolve("new"))) {
            return Stream.concat(cur, fresh).toList();
        }
    }

    private String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
