package dev.herald.server.smtp;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thread indexing at delivery, on a scripted conversation arriving at one mailbox. */
class ThreadingTest {
    @TempDir
    Path data;

    @Test
    void aConversationEndsUpInExactlyTheExpectedThreads() throws Exception {
        // A short subject window, so "outside the window" is reachable within the test.
        try (var herald = TestHerald.start(data, Map.of("thread.subject_window", "3s"))) {
            var admin = herald.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            admin.createMailbox("bob@acme.com");
            int mx = herald.smtpPort(Listener.MX);

            deliver(mx, "carol@partner.example", "<kickoff@partner.example>", "Project kickoff", "");
            // A reply by another agent, from another address, with References.
            deliver(mx, "alice@other.example", "<r1@other.example>", "Re: Project kickoff",
                    "In-Reply-To: <kickoff@partner.example>\r\nReferences: <kickoff@partner.example>\r\n");
            // Only In-Reply-To, naming the reply.
            deliver(mx, "carol@partner.example", "<r2@partner.example>", "Re: Re: Project kickoff",
                    "In-Reply-To: <r1@other.example>\r\n");
            // Only a matching subject, with a list tag and another language's prefix.
            deliver(mx, "dave@partner.example", "<r3@partner.example>", "AW: [team] Project kickoff", "");
            // Same base subject but not a reply: a thread of its own.
            deliver(mx, "erin@partner.example", "<fresh@partner.example>", "Project kickoff", "");
            // A reply whose parent never arrived: its own thread, no parent link.
            deliver(mx, "frank@partner.example", "<orphan@partner.example>", "Re: Budget",
                    "In-Reply-To: <missing@partner.example>\r\nReferences: <missing@partner.example>\r\n");
            var last = Instant.now();

            var byId = messages(admin, 6);
            var kickoff = byId.get("<kickoff@partner.example>");
            assertThat(byId.get("<r1@other.example>").get("thread_id")).isEqualTo(kickoff.get("thread_id"));
            assertThat(byId.get("<r2@partner.example>").get("thread_id")).isEqualTo(kickoff.get("thread_id"));
            assertThat(byId.get("<r3@partner.example>").get("thread_id")).isEqualTo(kickoff.get("thread_id"));
            assertThat(byId.get("<fresh@partner.example>").get("thread_id")).isNotEqualTo(kickoff.get("thread_id"));
            assertThat(byId.get("<orphan@partner.example>").get("thread_id")).isNotEqualTo(kickoff.get("thread_id"))
                    .isNotEqualTo(byId.get("<fresh@partner.example>").get("thread_id"));
            assertThat(kickoff.get("parent").asBoolean()).isFalse();
            assertThat(byId.get("<r1@other.example>").get("parent").asBoolean()).isTrue();
            assertThat(byId.get("<r2@partner.example>").get("parent").asBoolean()).isTrue();
            assertThat(byId.get("<r3@partner.example>").get("parent").asBoolean()).as("joined by subject: no parent link").isFalse();
            assertThat(byId.get("<orphan@partner.example>").get("parent").asBoolean()).isFalse();

            // Outside the window, a subject-only reply starts a new thread.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> Instant.now().isAfter(last.plusSeconds(4)));
            deliver(mx, "gina@partner.example", "<late@partner.example>", "Re: Project kickoff", "");
            // The missing parent arrives late: it joins its child's thread.
            deliver(mx, "frank@partner.example", "<missing@partner.example>", "Budget", "");
            byId = messages(admin, 8);
            assertThat(byId.get("<late@partner.example>").get("thread_id")).isNotEqualTo(kickoff.get("thread_id"))
                    .isNotEqualTo(byId.get("<fresh@partner.example>").get("thread_id"));
            assertThat(byId.get("<missing@partner.example>").get("thread_id")).isEqualTo(byId.get("<orphan@partner.example>").get("thread_id"));
        }
    }

    private static void deliver(int port, String from, String messageId, String subject, String extra) throws IOException {
        try (var s = SmtpScript.plain(port)) {
            s.hello();
            s.send("MAIL FROM:<" + from + ">");
            assertThat(s.send("RCPT TO:<bob@acme.com>")).startsWith("250");
            s.send("DATA");
            assertThat(s.send("From: " + from + "\r\nTo: bob@acme.com\r\nMessage-ID: " + messageId + "\r\nSubject: " + subject + "\r\n"
                    + extra + "\r\nbody\r\n.")).startsWith("250");
        }
    }

    private static Map<String, JsonNode> messages(TestApi admin, int expected) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                expect(200, admin.get("/v1/mailboxes/bob@acme.com/messages")).get("messages").size() == expected);
        var out = new HashMap<String, JsonNode>();
        expect(200, admin.get("/v1/mailboxes/bob@acme.com/messages")).get("messages").forEach(m -> out.put(m.get("message_id").asText(), m));
        return out;
    }
}
