package dev.herald.server.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** THREAD and SORT on a fixture mailbox of conversations, compared with the RFC 5256 result worked out by hand. */
class ThreadCommandTest {
    @TempDir
    Path data;

    @Test
    void threadAndSortGiveTheRfc5256Answers() throws Exception {
        try (var herald = TestHerald.start(data)) {
            var admin = herald.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            var password = admin.createMailbox("inbox@acme.com").get("credentials").get("password").asText();
            int mx = herald.smtpPort(Listener.MX);
            // seq  id   subject        date   links
            deliver(mx, "<a@x>", "Plan", "10:00", "carol@x.example", "");                                   // 1
            deliver(mx, "<b@x>", "Re: Plan", "10:05", "alice@agents.example", "References: <a@x>\r\n");    // 2 (second agent)
            deliver(mx, "<c@x>", "Re: Plan", "10:10", "carol@x.example", "References: <a@x> <b@x>\r\n");    // 3
            deliver(mx, "<d@x>", "Re: Plan", "10:07", "dave@x.example", "In-Reply-To: <a@x>\r\n");         // 4 (In-Reply-To only)
            deliver(mx, "<e@x>", "Re: Budget", "10:20", "erin@x.example", "References: <missing@x>\r\n");  // 5 (parent missing)
            deliver(mx, "<f@x>", "Budget", "10:15", "frank@x.example", "");                                 // 6
            deliver(mx, "<g@x>", "Re: Plan", "10:30", "gina@x.example", "");                                // 7 (subject only)
            deliver(mx, "<h@x>", "Lunch", "09:00", "hank@x.example", "");                                   // 8
            await().until(() -> TestApi.expect(200, admin.get("/v1/mailboxes/inbox@acme.com/messages")).get("messages").size() == 8);

            try (var s = ImapScript.tls(herald.imapPort(true))) {
                s.status("LOGIN inbox@acme.com " + password);
                s.status("SELECT INBOX");
                assertThat(s.run("THREAD REFERENCES UTF-8 ALL").get(0)).isEqualTo("* THREAD (8)(1 (2 3)(4)(7))(6 5)");
                assertThat(s.run("THREAD ORDEREDSUBJECT UTF-8 ALL").get(0)).isEqualTo("* THREAD (8)(1 (2)(4)(3)(7))(6 5)");
                assertThat(s.run("UID THREAD REFERENCES US-ASCII SUBJECT plan").get(0)).isEqualTo("* THREAD (1 (2 3)(4)(7))");
                assertThat(s.run("SORT (DATE) UTF-8 ALL").get(0)).isEqualTo("* SORT 8 1 2 4 3 6 5 7");
                assertThat(s.run("SORT (REVERSE DATE) UTF-8 ALL").get(0)).isEqualTo("* SORT 7 5 6 3 4 2 1 8");
                assertThat(s.run("SORT (SUBJECT DATE) UTF-8 ALL").get(0)).isEqualTo("* SORT 6 5 8 1 2 4 3 7");
                assertThat(s.run("SORT (FROM) UTF-8 NOT FROM carol").get(0)).isEqualTo("* SORT 2 4 5 6 7 8");
                assertThat(s.status("THREAD FANCY UTF-8 ALL")).startsWith("BAD unknown THREAD algorithm");
                assertThat(s.status("SORT (DATE) KOI8-R ALL")).startsWith("NO [BADCHARSET");
                assertThat(s.run("CAPABILITY").get(0)).contains("SORT").contains("THREAD=REFERENCES").contains("THREAD=ORDEREDSUBJECT");
            }
        }
    }

    private static void deliver(int port, String id, String subject, String time, String from, String links) throws Exception {
        try (var s = SmtpScript.plain(port)) {
            s.hello();
            s.send("MAIL FROM:<" + from + ">");
            s.send("RCPT TO:<inbox@acme.com>");
            s.send("DATA");
            assertThat(s.send("From: " + from + "\r\nTo: inbox@acme.com\r\nMessage-ID: " + id + "\r\nSubject: " + subject
                    + "\r\nDate: Sat, 21 Nov 2026 " + time + ":00 +0000\r\n" + links + "\r\nbody\r\n.")).startsWith("250");
        }
    }
}
