package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripted IMAP sessions: isolation between mailboxes and tenants, states, error paths, limits. */
class ImapSessionTest {
    @TempDir
    static Path data;
    static TestHerald herald;
    static String alice;
    static String bob;
    static String carol;

    @BeforeAll
    static void start() {
        herald = TestHerald.start(data, Map.of("imap.max_literal", "64KiB"));
        var admin = herald.admin();
        admin.createTenant("acme");
        admin.addDomain("acme", "acme.com");
        alice = admin.createMailbox("alice@acme.com").get("credentials").get("password").asText();
        bob = admin.createMailbox("bob@acme.com").get("credentials").get("password").asText();
        admin.createTenant("globex");
        admin.addDomain("globex", "globex.com");
        carol = admin.createMailbox("carol@globex.com").get("credentials").get("password").asText();
    }

    @AfterAll
    static void stop() {
        herald.close();
    }

    private static ImapScript login(String user, String password) throws Exception {
        var s = ImapScript.tls(herald.imapPort(true));
        assertThat(s.status("LOGIN " + user + " " + password)).isEqualTo("OK logged in");
        return s;
    }

    @Test
    void noMailboxReachesAnother() throws Exception {
        try (var s = ImapScript.tls(herald.imapPort(true))) {
            assertThat(s.status("LOGIN alice@acme.com " + bob)).as("another mailbox's password").startsWith("NO [AUTHENTICATIONFAILED]");
            assertThat(s.status("LOGIN carol@globex.com " + alice)).as("another tenant's mailbox").startsWith("NO [AUTHENTICATIONFAILED]");
        }
        try (var s = login("alice@acme.com", alice)) {
            // Other mailboxes' and tenants' folders are not names a login can reach: they simply do not exist.
            for (var name : new String[] {"bob@acme.com/INBOX", "../bob@acme.com/INBOX", "/INBOX", "carol@globex.com", "INBOX/../../x"}) {
                assertThat(s.status("SELECT \"" + name + "\"")).as(name).startsWith("NO [NONEXISTENT]");
                assertThat(s.status("STATUS \"" + name + "\" (MESSAGES)")).as(name).startsWith("NO [NONEXISTENT]");
                assertThat(s.status("APPEND \"" + name + "\" {3+}\r\nx\r\n")).as(name).startsWith("NO [TRYCREATE]");
            }
            assertThat(s.status("CREATE \"../escape\"")).startsWith("NO [CANNOT]");
            assertThat(s.status("CREATE \"/abs\"")).startsWith("NO [CANNOT]");
            assertThat(s.status("APPEND INBOX {12+}\r\nSubject: x\r\n\r\n")).startsWith("OK [APPENDUID");
            assertThat(s.status("SELECT INBOX")).startsWith("OK [READ-WRITE]");
            assertThat(s.status("COPY 1 \"bob@acme.com/INBOX\"")).startsWith("NO [TRYCREATE]");
            assertThat(s.status("MOVE 1 \"carol@globex.com/INBOX\"")).startsWith("NO [TRYCREATE]");
            assertThat(s.status("UID MOVE 1 \"../bob\"")).startsWith("NO [TRYCREATE]");
        }
        try (var s = login("bob@acme.com", bob)) {
            s.status("SELECT INBOX");
            assertThat(s.run("SEARCH ALL").get(0)).isEqualTo("* SEARCH");
        }
    }

    @Test
    void statesAndErrors() throws Exception {
        try (var s = ImapScript.plain(herald.imapPort(false))) {
            assertThat(s.run("CAPABILITY").get(0)).contains("STARTTLS").contains("LOGINDISABLED").doesNotContain("AUTH=PLAIN");
            assertThat(s.status("LOGIN alice@acme.com " + alice)).startsWith("NO [PRIVACYREQUIRED]");
            assertThat(s.status("AUTHENTICATE PLAIN")).startsWith("NO [PRIVACYREQUIRED]");
            assertThat(s.status("SELECT INBOX")).startsWith("BAD SELECT is not valid before login");
            assertThat(s.status("FROB")).isEqualTo("BAD unknown command FROB");
            assertThat(s.run("\"unterminated").get(0)).contains("BAD");
            assertThat(s.status("NOOP")).isEqualTo("OK NOOP completed"); // the session goes on
        }
        try (var s = login("alice@acme.com", alice)) {
            assertThat(s.status("FETCH 1 FLAGS")).startsWith("BAD FETCH is not valid without a selected folder");
            assertThat(s.status("SELECT INBOX")).startsWith("OK");
            assertThat(s.status("FETCH 1 (NONSENSE)")).startsWith("BAD unknown FETCH item");
            assertThat(s.status("FETCH x:y FLAGS")).startsWith("BAD invalid sequence set");
            assertThat(s.status("SEARCH BOGUSKEY")).startsWith("BAD unknown SEARCH key");
            assertThat(s.status("SEARCH CHARSET KOI8-R ALL")).startsWith("NO [BADCHARSET");
            assertThat(s.status("STORE 1 FLAGZ (\\Seen)")).startsWith("BAD STORE needs FLAGS");
            assertThat(s.status("LOGIN a b")).startsWith("BAD LOGIN is not valid");
            assertThat(s.status("DELETE INBOX")).startsWith("NO [CANNOT]");
            assertThat(s.status("RENAME Sent Outbox")).startsWith("NO [CANNOT]");
            assertThat(s.status("CREATE Projects")).isEqualTo("OK CREATE completed");
            assertThat(s.status("CREATE projects")).isEqualTo("OK CREATE completed"); // names other than INBOX are case-sensitive
            assertThat(s.status("CREATE Projects")).startsWith("NO [ALREADYEXISTS]");
            assertThat(s.status("RENAME Projects Archive/Projects")).isEqualTo("OK RENAME completed");
            assertThat(s.run("LIST \"\" \"Archive/*\"").get(0)).isEqualTo("* LIST (\\HasNoChildren) \"/\" \"Archive/Projects\"");
            assertThat(s.status("EXAMINE INBOX")).startsWith("OK [READ-ONLY]");
            assertThat(s.status("STORE 1:* +FLAGS (\\Deleted)")).startsWith("NO [READ-ONLY]");
            assertThat(s.status("LOGOUT")).isEqualTo("OK LOGOUT completed");
        }
    }

    @Test
    void literalLimitsAreEnforcedBeforeReading() throws Exception {
        try (var s = login("alice@acme.com", alice)) {
            // A synchronizing literal over APPENDLIMIT is refused before the client sends it.
            s.raw("big APPEND INBOX {70000}\r\n");
            assertThat(s.readLine()).isEqualTo("big BAD [TOOBIG] literal of 70000 octets is over the limit");
            // A non-synchronizing one is read, discarded, refused; the session goes on.
            s.raw("big2 APPEND INBOX {70000+}\r\n" + "x".repeat(70000) + "\r\n");
            assertThat(s.readLine()).isEqualTo("big2 BAD [TOOBIG] literal of 70000 octets is over the limit");
            assertThat(s.status("NOOP")).isEqualTo("OK NOOP completed");
        }
    }

    @Test
    void anotherSessionSeesChanges() throws Exception {
        try (var a = login("bob@acme.com", bob); var b = login("bob@acme.com", bob)) {
            a.status("CREATE Shared");
            a.status("SELECT Shared");
            b.status("SELECT Shared");
            assertThat(a.status("APPEND Shared {8+}\r\nSubj: 1\r\n")).startsWith("OK [APPENDUID");
            var seen = b.run("NOOP");
            assertThat(seen).contains("* 1 EXISTS");
            a.status("STORE 1 +FLAGS.SILENT (\\Flagged)");
            assertThat(b.run("NOOP")).anyMatch(l -> l.startsWith("* 1 FETCH (UID 1 FLAGS (\\Flagged)"));
            a.status("STORE 1 +FLAGS.SILENT (\\Deleted)");
            a.status("EXPUNGE");
            assertThat(b.run("FETCH 1:* FLAGS")).noneMatch(l -> l.contains("EXPUNGE")); // not during FETCH
            assertThat(b.run("NOOP")).contains("* 1 EXPUNGE");
        }
    }
}
