package dev.herald.server.outbound;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The return path end to end: the recipients of a message at one destination leave in one
 * transaction with one VERP address; the remote accepts, later bounces to that address over the MX
 * about one of them; Herald attributes the bounce through the report's Final-Recipient to that
 * recipient of that message, tenant and mailbox (entry bounced, address suppressed, report in the
 * sender's INBOX), leaves the other delivered, and refuses forged return paths.
 */
class AsyncBounceTest {
    @TempDir
    Path data;

    @Test
    void aLateBounceIsAttributedToItsRecipientAndMessage() throws Exception {
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("gmail.example", 10, "mx.gmail.example").a("mx.gmail.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true"))) {
                var admin = h.admin();
                // Pacing spaces recipients to one domain (50 a minute: 1.2 s apart) and would send them one by one.
                expect(200, admin.patch("/v1/policy", Map.of("recipient_domain.per_minute", "unlimited")));
                admin.createTenant("acme");
                admin.addDomain("acme", "acme.com");
                var password = admin.createMailbox("agent@acme.com").get("credentials").get("password").asText();
                String queueId;
                try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
                    s.hello();
                    assertThat(s.authPlain("agent@acme.com", password)).startsWith("235");
                    s.send("MAIL FROM:<agent@acme.com>");
                    assertThat(s.send("RCPT TO:<friend@gmail.example>")).startsWith("250");
                    assertThat(s.send("RCPT TO:<nobody@gmail.example>")).startsWith("250");
                    s.send("DATA");
                    var reply = s.send("From: agent@acme.com\r\nSubject: hello\r\n\r\nhi\r\n.");
                    queueId = reply.substring(reply.lastIndexOf(' ') + 1);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> mx.accepted.size() == 1);
                assertThat(mx.mailFrom).as("one transaction, one return path for both").hasSize(1)
                        .allMatch(f -> f.matches("bounce\\+[0-9a-z]+-[0-9a-f]{10}@acme\\.com"));
                assertThat(mx.envelopes).hasSize(2);
                // The return path that went with nobody@: what the remote would bounce to.
                var nobodyPath = mx.envelopes.stream().filter(e -> e.endsWith(" nobody@gmail.example")).findFirst().orElseThrow().split(" ")[0];

                var dsn = new String(AsyncBounceTest.class.getResourceAsStream("/bounces/gmail-hard.eml").readAllBytes(), StandardCharsets.UTF_8)
                        .replace("nobody@gmail.com", "nobody@gmail.example");
                try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
                    s.hello();
                    // A forged tag is refused; the real return paths are taken.
                    var forged = mx.mailFrom.get(0).replaceAll("-[0-9a-f]{10}@", "-0000000000@");
                    s.send("MAIL FROM:<>");
                    assertThat(s.send("RCPT TO:<" + forged + ">")).startsWith("550 5.1.1");
                    for (var path : mx.mailFrom) {
                        assertThat(s.send("RCPT TO:<" + path + ">")).startsWith("250");
                        s.send("RSET");
                        s.send("MAIL FROM:<>");
                    }
                    assertThat(s.send("RCPT TO:<" + nobodyPath.toUpperCase() + ">")).as("any case").startsWith("250");
                    s.send("DATA");
                    assertThat(s.send(dsn.replace("\r\n.\r\n", "\r\n..\r\n") + "\r\n.")).startsWith("250");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> "bounced".equals(state(admin, queueId, "nobody@gmail.example")));
                assertThat(state(admin, queueId, "friend@gmail.example")).isEqualTo("delivered");
                var suppressions = expect(200, admin.get("/v1/suppressions?tenant=acme")).get("suppressions");
                assertThat(suppressions).hasSize(1);
                assertThat(suppressions.get(0).get("address").asText()).isEqualTo("nobody@gmail.example");
                assertThat(suppressions.get(0).get("detail").asText()).contains("5.1.1").contains(queueId);
                await().atMost(Duration.ofSeconds(10)).until(() -> expect(200, admin.get("/v1/mailboxes/agent@acme.com/messages?folder=INBOX"))
                        .toString().contains("Delivery Status Notification (Failure)"));

                // A report about friend@ that says nothing readable: kept for the sender, counted, not acted on.
                var friendPath = mx.envelopes.stream().filter(e -> e.endsWith(" friend@gmail.example")).findFirst().orElseThrow().split(" ")[0];
                var unreadable = new String(AsyncBounceTest.class.getResourceAsStream("/bounces/no-status.eml").readAllBytes(), StandardCharsets.UTF_8);
                try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
                    s.hello();
                    s.send("MAIL FROM:<>");
                    assertThat(s.send("RCPT TO:<" + friendPath + ">")).startsWith("250");
                    s.send("DATA");
                    assertThat(s.send(unreadable.replace("\r\n.\r\n", "\r\n..\r\n") + "\r\n.")).startsWith("250");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> expect(200, admin.get("/v1/feedback")).get("unparsed_bounces").asInt() == 1);
                assertThat(state(admin, queueId, "friend@gmail.example")).isEqualTo("delivered");
                var stats = expect(200, admin.get("/v1/stats?tenant=acme")).get("tenants").get(0);
                assertThat(stats.get("sent").asLong()).as("both were accepted by the remote").isEqualTo(2);
                assertThat(stats.get("bounced").asLong()).as("one bounced later; the unreadable report is not a bounce").isEqualTo(1);
                assertThat(stats.get("delivery_rate").asDouble()).isEqualTo(0.5);
            }
        }
    }

    private static String state(dev.herald.server.testing.TestApi admin, String queueId, String recipient) {
        for (var r : expect(200, admin.get("/v1/queue/" + queueId)).get("recipients")) {
            if (r.get("recipient").asText().equals(recipient)) {
                return r.get("state").asText();
            }
        }
        return null;
    }
}
