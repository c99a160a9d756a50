package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.TestHerald;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real IMAP sessions on one mailbox, as a desktop and a phone (or two agents) use it: neither
 * loses the other's flags; a folder deleted by one is unusable in the other (BYE), and nothing is
 * read or brought back from it; a message keeps its EMAILID through COPY and MOVE.
 */
class TwoSessionsTest {
    @TempDir
    static Path dir;
    static TestHerald h;
    static String password;

    @BeforeAll
    static void start() {
        h = TestHerald.start(dir, Map.of());
        h.admin().createTenant("acme");
        h.admin().addDomain("acme", "acme.com");
        password = h.admin().createMailbox("agent@acme.com").get("credentials").get("password").asText();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static ImapScript session() throws IOException {
        var s = ImapScript.tls(h.imapPort(true));
        assertThat(s.status("LOGIN agent@acme.com " + password)).startsWith("OK");
        return s;
    }

    static String append(ImapScript s, String folder, String subject) throws IOException {
        var msg = "From: x@remote.example\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@remote.example>\r\n\r\nbody\r\n";
        var status = s.status("APPEND " + folder + " {" + msg.length() + "+}\r\n" + msg);
        assertThat(status).startsWith("OK [APPENDUID");
        return status.split(" ")[3].replace("]", "");
    }

    /** The FLAGS of a FETCH response, in a fixed order (the order flags are listed in carries no meaning). */
    static String flagsOf(List<String> lines) {
        var m = Pattern.compile("FLAGS \\(([^)]*)\\)").matcher(String.join("\n", lines));
        return m.find() ? String.join(" ", new java.util.TreeSet<>(List.of(m.group(1).split(" ")))) : "(none)";
    }

    @Test
    void storeFromTwoSessionsKeepsBothSessionsFlags() throws IOException {
        try (var a = session(); var b = session()) {
            var uid = append(a, "INBOX", "flags-race");
            assertThat(a.status("SELECT INBOX")).startsWith("OK");
            assertThat(b.status("SELECT INBOX")).startsWith("OK");
            assertThat(flagsOf(a.run("UID STORE " + uid + " +FLAGS (\\Deleted)"))).isEqualTo("\\Deleted");
            // B's view still says no flags; its +FLAGS applies to what is stored, and the answer says so.
            assertThat(flagsOf(b.run("UID STORE " + uid + " +FLAGS (\\Flagged)"))).isEqualTo("\\Deleted \\Flagged");
            assertThat(flagsOf(a.run("UID STORE " + uid + " +FLAGS (urgent)"))).isEqualTo("\\Deleted \\Flagged urgent");
            assertThat(flagsOf(b.run("UID STORE " + uid + " -FLAGS (\\Deleted)"))).isEqualTo("\\Flagged urgent");
            // Reading the body (implicit \Seen) in B keeps what A set meanwhile.
            a.run("UID STORE " + uid + " +FLAGS (\\Answered)");
            b.run("UID FETCH " + uid + " BODY[TEXT]");
            try (var c = session()) {
                c.status("EXAMINE INBOX");
                assertThat(flagsOf(c.run("UID FETCH " + uid + " FLAGS"))).isEqualTo("\\Answered \\Flagged \\Seen urgent");
            }
        }
    }

    @Test
    void conditionalStoreSeesTheOtherSessionsChange() throws IOException {
        try (var a = session(); var b = session()) {
            var uid = append(a, "INBOX", "condstore-race");
            a.status("ENABLE CONDSTORE");
            b.status("ENABLE CONDSTORE");
            a.status("SELECT INBOX");
            var fetched = String.join("\n", b.run("SELECT INBOX"));
            var modseq = b.run("UID FETCH " + uid + " (MODSEQ)");
            var m = Pattern.compile("MODSEQ \\((\\d+)\\)").matcher(String.join("\n", modseq));
            assertThat(m.find()).as(fetched).isTrue();
            long seen = Long.parseLong(m.group(1));
            a.run("UID STORE " + uid + " +FLAGS (\\Flagged)");
            assertThat(b.status("UID STORE " + uid + " (UNCHANGEDSINCE " + seen + ") +FLAGS (\\Deleted)")).startsWith("OK [MODIFIED " + uid + "]");
            try (var c = session()) {
                c.status("EXAMINE INBOX");
                assertThat(flagsOf(c.run("UID FETCH " + uid + " FLAGS"))).isEqualTo("\\Flagged");
            }
        }
    }

    @Test
    void aFolderDeletedByAnotherSessionIsNotUsableAndNothingComesBack() throws IOException {
        try (var a = session(); var b = session(); var idler = session()) {
            assertThat(b.status("CREATE Doomed")).startsWith("OK");
            append(b, "Doomed", "doomed-mail");
            long inboxBefore = count(b, "INBOX");
            assertThat(a.status("SELECT Doomed")).startsWith("OK");
            assertThat(idler.status("SELECT Doomed")).startsWith("OK");
            idler.raw("i1 IDLE\r\n");
            assertThat(idler.readLine()).startsWith("+");

            assertThat(b.status("DELETE Doomed")).startsWith("OK");
            assertThat(idler.readLine()).startsWith("* BYE the selected folder Doomed was deleted");
            // The stale session: its next command is answered with BYE, and COPY brings nothing back.
            var lines = a.run("COPY 1 INBOX");
            assertThat(lines).anyMatch(l -> l.startsWith("* BYE the selected folder Doomed was deleted"));
            assertThat(count(b, "INBOX")).isEqualTo(inboxBefore);
            // Re-created under the same name it is a new, empty folder.
            assertThat(b.status("CREATE Doomed")).startsWith("OK");
            assertThat(count(b, "Doomed")).isZero();
        }
        try (var a = session(); var b = session()) {
            b.status("CREATE Doomed2");
            append(b, "Doomed2", "doomed2");
            a.status("SELECT Doomed2");
            b.status("DELETE Doomed2");
            assertThat(a.run("FETCH 1 BODY[]")).noneMatch(l -> l.contains("doomed2")).anyMatch(l -> l.startsWith("* BYE"));
        }
        try (var a = session(); var b = session()) {
            b.status("CREATE Doomed3");
            append(b, "Doomed3", "doomed3");
            a.status("SELECT Doomed3");
            b.status("DELETE Doomed3");
            assertThat(a.run("STORE 1 +FLAGS (\\Seen)")).anyMatch(l -> l.startsWith("* BYE")).noneMatch(l -> l.contains("SERVERBUG"));
        }
    }

    @Test
    void emailIdSurvivesCopyAndMove() throws IOException {
        try (var a = session()) {
            var uid = append(a, "INBOX", "emailid");
            a.status("SELECT INBOX");
            var id = emailId(a.run("UID FETCH " + uid + " EMAILID"));
            assertThat(a.status("UID COPY " + uid + " Archive")).startsWith("OK [COPYUID");
            assertThat(a.status("UID MOVE " + uid + " Trash")).startsWith("OK");
            a.status("SELECT Archive");
            assertThat(emailId(a.run("FETCH 1:* EMAILID"))).isEqualTo(id);
            assertThat(a.run("SEARCH EMAILID " + id)).anyMatch(l -> l.matches("\\* SEARCH \\d+"));
            a.status("SELECT Trash");
            assertThat(emailId(a.run("FETCH 1:* EMAILID"))).isEqualTo(id);
        }
    }

    private static String emailId(List<String> lines) {
        var m = Pattern.compile("EMAILID \\((M[0-9a-f]+)\\)").matcher(String.join("\n", lines));
        assertThat(m.find()).as(String.join("\n", lines)).isTrue();
        return m.group(1);
    }

    private static long count(ImapScript s, String folder) throws IOException {
        var m = Pattern.compile("MESSAGES (\\d+)").matcher(String.join("\n", s.run("STATUS " + folder + " (MESSAGES)")));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
