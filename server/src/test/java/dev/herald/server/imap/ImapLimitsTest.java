package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.TestHerald;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an unauthenticated or hostile IMAP client can make the server do, over real sockets: no
 * large literal before login, no memory held for an announced literal that never comes, a limit
 * on connections per address and on invalid commands, an over-long line answered with its own tag,
 * and deep SEARCH nesting answered BAD instead of a dead connection.
 */
class ImapLimitsTest {
    @TempDir
    static Path dir;
    static TestHerald h;
    static String password;

    @BeforeAll
    static void start() {
        h = TestHerald.start(dir, Map.of("imap.max_connections_per_client", "4", "imap.max_bad_commands", "10"));
        h.admin().createTenant("acme");
        h.admin().addDomain("acme", "acme.com");
        password = h.admin().createMailbox("agent@acme.com").get("credentials").get("password").asText();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static ImapScript loggedIn() throws IOException {
        var s = ImapScript.tls(h.imapPort(true));
        assertThat(s.status("LOGIN agent@acme.com " + password)).startsWith("OK");
        assertThat(s.run("CAPABILITY").get(0)).contains(" LITERAL+");
        return s;
    }

    @Test
    void noLargeLiteralBeforeLogin() throws IOException {
        try (var s = ImapScript.plain(h.imapPort(false))) {
            // What the client is told: LITERAL- (non-synchronizing literals up to 4096 octets) before login.
            assertThat(s.run("CAPABILITY").get(0)).contains(" LITERAL-").doesNotContain("LITERAL+");
            s.raw("a LOGIN {26214300}\r\n");
            assertThat(s.readLine()).startsWith("a BAD [TOOBIG]").contains("before login");
            // Non-synchronizing: refused, and its bytes are skipped by count, not buffered.
            s.raw("b LOGIN {5000+}\r\n" + "x".repeat(5000) + " y\r\n");
            assertThat(s.readLine()).startsWith("b BAD [TOOBIG]");
            assertThat(s.status("NOOP")).startsWith("OK");
            // A password fits.
            s.raw("c LOGIN {14}\r\n");
            assertThat(s.readLine()).startsWith("+");
        }
    }

    @Test
    void anAnnouncedLiteralThatNeverComesHoldsNoMemory() throws Exception {
        var sessions = new ArrayList<ImapScript>();
        try {
            System.gc();
            long before = usedHeap();
            for (int i = 0; i < 3; i++) {
                var s = loggedIn();
                sessions.add(s);
                s.raw("a APPEND INBOX {20000000}\r\n");
                assertThat(s.readLine()).startsWith("+");
                s.raw("From: x\r\n"); // and then nothing
            }
            Thread.sleep(300);
            System.gc();
            // Three 20 MB literals announced: before the fix 60 MB were allocated at once.
            assertThat(usedHeap() - before).isLessThan(30L << 20);
        } finally {
            for (var s : sessions) {
                s.close();
            }
        }
    }

    private static long usedHeap() {
        var rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void connectionsPerClientAreLimited() throws IOException {
        var open = new ArrayList<ImapScript>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(ImapScript.plain(h.imapPort(false)));
            }
            try (var fifth = ImapScript.rawPlain(h.imapPort(false))) {
                assertThat(fifth.readLine()).startsWith("* BYE [UNAVAILABLE] too many connections from your address");
                assertThat(fifth.readLine()).isNull();
            }
            // Another address is not affected.
            try (var other = ImapScript.rawPlainFrom(h.imapPort(false), "127.0.0.2")) {
                assertThat(other.readLine()).startsWith("* OK");
            }
        } finally {
            for (var s : open) {
                s.close();
            }
        }
    }

    @Test
    void tooManyInvalidCommandsEndTheSession() throws IOException {
        try (var s = ImapScript.plain(h.imapPort(false))) {
            for (int i = 0; i < 9; i++) {
                assertThat(s.status("FROBNICATE " + i)).startsWith("BAD");
            }
            assertThat(s.status("FROBNICATE 10")).startsWith("BAD");
            assertThat(s.readLine()).startsWith("* BYE too many invalid commands");
            assertThat(s.readLine()).isNull();
        }
    }

    @Test
    void anOverLongLineIsAnsweredWithItsOwnTag() throws IOException {
        try (var s = ImapScript.plain(h.imapPort(false))) {
            s.raw("A1 NOOP\r\n");
            assertThat(s.readLine()).startsWith("A1 OK");
            s.raw("Z9 NOOP " + "x".repeat(70_000) + "\r\n");
            assertThat(s.readLine()).startsWith("Z9 BAD command line is over the limit");
            s.raw("A2 NOOP\r\n");
            assertThat(s.readLine()).startsWith("A2 OK");
            // No tag we could answer with: an untagged BYE, not a guess.
            s.raw("(((" + "x".repeat(70_000) + "\r\n");
            assertThat(s.readLine()).startsWith("* BYE command line is over the limit");
        }
    }

    @Test
    void deeplyNestedSearchIsBadNotADeadConnection() throws IOException {
        try (var s = loggedIn()) {
            assertThat(s.status("SELECT INBOX")).startsWith("OK");
            assertThat(s.status("SEARCH " + "(".repeat(2000) + "ALL" + ")".repeat(2000))).startsWith("BAD").contains("nested deeper");
            assertThat(s.status("SEARCH " + "NOT ".repeat(5000) + "ALL")).startsWith("BAD").contains("nested deeper");
            assertThat(s.status("SEARCH " + "OR ALL ".repeat(3000) + "ALL")).startsWith("BAD");
            // Many keys side by side are fine: they are not nesting.
            assertThat(s.status("SEARCH " + "ALL ".repeat(3000).trim())).startsWith("OK");
            assertThat(s.status("SEARCH (((ALL)))")).startsWith("OK");
            assertThat(s.status("NOOP")).startsWith("OK");
        }
    }
}
