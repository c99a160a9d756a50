package dev.herald.server.smtp;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk: the spool lives on a 512 KiB tmpfs. Messages are accepted until it is full, then
 * answered 452 4.3.1 (the client keeps them and retries); the server keeps serving; once space is
 * back, mail is accepted again; every message that got 250 is delivered, none of the refused ones.
 * Needs root to mount the tmpfs (CI runs as root); says so loudly when it cannot.
 */
class DiskFullTest {
    @TempDir
    Path data;

    @Test
    void fullDiskAnswers452AndLosesNothing() throws Exception {
        var spool = Files.createDirectories(data.resolve("spool"));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", spool.toString());
        if (!mounted) {
            System.err.println("*** SKIPPED DiskFullTest: cannot mount a tmpfs (needs root) ***");
        }
        assumeTrue(mounted, "cannot mount a tmpfs");
        try (var herald = TestHerald.start(data)) {
            var admin = herald.admin();
            admin.createTenant("full");
            admin.addDomain("full", "full.example");
            admin.createMailbox("sink@full.example");
            var accepted = new HashSet<String>();
            var refused = new ArrayList<String>();
            var payload = ("z".repeat(76) + "\r\n").repeat(800); // ~62 KB
            try (var s = SmtpScript.plain(herald.smtpPort(Listener.MX))) {
                s.hello();
                for (int i = 0; i < 20 && refused.size() < 2; i++) {
                    var id = "<full-" + i + "@test>";
                    s.send("MAIL FROM:<x@outside.example>");
                    s.send("RCPT TO:<sink@full.example>");
                    s.send("DATA");
                    var reply = s.send("Message-ID: " + id + "\r\nSubject: fill " + i + "\r\n\r\n" + payload + ".");
                    if (reply.startsWith("250")) {
                        accepted.add(id);
                    } else {
                        assertThat(reply).startsWith("452 4.3.1");
                        refused.add(id);
                    }
                }
                assertThat(refused).as("the disk filled up").isNotEmpty();
                assertThat(accepted).isNotEmpty();
                assertThat(s.send("NOOP")).startsWith("250"); // still serving

                assertThat(run("mount", "-o", "remount,size=8m", "tmpfs", spool.toString())).isTrue();
                s.send("MAIL FROM:<x@outside.example>");
                s.send("RCPT TO:<sink@full.example>");
                s.send("DATA");
                assertThat(s.send("Message-ID: <after@test>\r\nSubject: after\r\n\r\nroom again\r\n.")).startsWith("250");
                accepted.add("<after@test>");
            }
            await().until(() -> ids(herald).containsAll(accepted));
            herald.restart();
            var present = ids(herald);
            assertThat(present).containsExactlyInAnyOrderElementsOf(accepted);
        } finally {
            run("umount", spool.toString());
        }
    }

    private static java.util.List<String> ids(TestHerald herald) {
        var out = new ArrayList<String>();
        expect(200, herald.admin().get("/v1/mailboxes/sink@full.example/messages")).get("messages")
                .forEach(m -> out.add(m.get("message_id").asText()));
        return out;
    }

    private static boolean run(String... cmd) {
        try {
            var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
