package dev.herald.server.policy;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inbound.block / inbound.allow / inbound.allow_only of a mailbox, answered at RCPT over the real MX. */
class InboundListsTest {
    @TempDir
    Path data;

    @Test
    void blockAllowAndAllowOnly() throws Exception {
        try (var h = TestHerald.start(data)) {
            var admin = h.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            admin.createMailbox("bot@acme.com");
            admin.createMailbox("open@acme.com");
            expect(200, admin.patch("/v1/policy?mailbox=bot@acme.com", Map.of("inbound.block", "spammer.example",
                    "inbound.allow", "friend@spammer.example")));
            assertThat(rcpt(h, "x@spammer.example", "bot@acme.com"))
                    .isEqualTo("550 5.7.1 <bot@acme.com> does not accept mail from <x@spammer.example> (policy inbound.block)");
            assertThat(rcpt(h, "x@eu.spammer.example", "bot@acme.com")).as("subdomains too").startsWith("550 5.7.1");
            assertThat(rcpt(h, "friend@spammer.example", "bot@acme.com")).as("allowed despite the block").startsWith("250");
            assertThat(rcpt(h, "a@other.example", "bot@acme.com")).startsWith("250");
            assertThat(rcpt(h, "x@spammer.example", "open@acme.com")).as("another mailbox's policy").startsWith("250");

            expect(200, admin.patch("/v1/policy?mailbox=bot@acme.com", Map.of("inbound.allow_only", "true")));
            assertThat(rcpt(h, "a@other.example", "bot@acme.com"))
                    .isEqualTo("550 5.7.1 <bot@acme.com> accepts mail only from allowed senders (policy inbound.allow_only)");
            assertThat(rcpt(h, "", "bot@acme.com")).as("a null sender is not on the allow list").startsWith("550 5.7.1");
            assertThat(rcpt(h, "friend@spammer.example", "bot@acme.com")).startsWith("250");
        }
    }

    private static String rcpt(TestHerald h, String from, String to) throws Exception {
        try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
            s.hello();
            assertThat(s.send("MAIL FROM:<" + from + ">")).startsWith("250");
            return s.send("RCPT TO:<" + to + ">");
        }
    }
}
