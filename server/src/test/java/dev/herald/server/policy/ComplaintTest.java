package dev.herald.server.policy;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.outbound.ScriptedMx;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feedback loops: ARF reports shaped like Yahoo's (message/rfc822) and Outlook's JMRP
 * (text/rfc822-headers) sent to the feedback address are attributed through the original's VERP
 * Return-Path: the recipient is suppressed as a complaint and the sender's complaint rate counts
 * (here it pauses the mailbox); a report naming none of our messages is kept and counted.
 */
class ComplaintTest {
    @TempDir
    Path data;

    @Test
    void complaintsAreAttributedSuppressedAndCounted() throws Exception {
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true"))) {
                var admin = h.admin();
                expect(200, admin.patch("/v1/policy", Map.of("breaker.min_volume", "2")));
                admin.createTenant("acme");
                admin.addDomain("acme", "acme.com");
                var password = admin.createMailbox("news@acme.com").get("credentials").get("password").asText();
                try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
                    s.hello();
                    assertThat(s.authPlain("news@acme.com", password)).startsWith("235");
                    for (var rcpt : new String[] {"reader@sink.example", "other@sink.example", "third@sink.example", "fourth@sink.example"}) {
                        s.send("MAIL FROM:<news@acme.com>");
                        assertThat(s.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
                        s.send("DATA");
                        assertThat(s.send("From: news@acme.com\r\nMessage-ID: <m-" + rcpt + ">\r\nSubject: news\r\n\r\nhello\r\n."))
                                .startsWith("250");
                    }
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> mx.envelopes.size() == 4);
                var readerPath = path(mx, "reader@sink.example");
                var otherPath = path(mx, "other@sink.example");

                report(h, fixture("yahoo-arf.eml").replace("{{VERP}}", readerPath));
                await().atMost(Duration.ofSeconds(10)).until(() -> suppressions(admin).contains("reader@sink.example complaint"));
                report(h, fixture("outlook-jmrp.eml").replace("{{VERP}}", otherPath.toUpperCase()));
                await().atMost(Duration.ofSeconds(10)).until(() -> suppressions(admin).contains("other@sink.example complaint"));
                // A provider that redacts the Return-Path: the original's Message-ID and Original-Rcpt-To name the entry.
                report(h, fixture("redacted-return-path.eml").replace("{{MSGID}}", "<m-third@sink.example>").replace("{{RCPT}}", "third@sink.example"));
                await().atMost(Duration.ofSeconds(10)).until(() -> suppressions(admin).contains("third@sink.example complaint"));
                report(h, fixture("unattributed.eml"));
                report(h, fixture("redacted-return-path.eml").replace("{{MSGID}}", "<never-sent@acme.com>").replace("{{RCPT}}", "x@sink.example"));
                await().atMost(Duration.ofSeconds(10)).until(() -> expect(200, admin.get("/v1/feedback")).get("unattributed_complaints").asInt() == 2);
                assertThat(suppressions(admin)).hasSize(3);

                // One complaint in two sends is already far past the complaint pause rate (0.1%).
                await().atMost(Duration.ofSeconds(10)).until(() -> "paused".equals(
                        expect(200, admin.get("/v1/mailboxes/news@acme.com")).get("status").asText()));
                assertThat(expect(200, admin.get("/v1/breakers?tenant=acme")).toString())
                        .contains("{\"scope\":\"mailbox\",\"sender\":\"news@acme.com\",\"state\":\"paused\"").contains("\"complaints\":1");

                try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
                    s.hello();
                    s.send("MAIL FROM:<x@else.example>");
                    assertThat(s.send("RCPT TO:<fbl@not-us.example>")).as("only the configured feedback address").startsWith("5");
                }
                var stats = expect(200, admin.get("/v1/stats?tenant=acme")).get("tenants").get(0);
                assertThat(stats.get("complained").asLong()).isEqualTo(3);
                assertThat(stats.get("complaint_rate").asDouble()).isEqualTo(0.75);
                h.restart();
                assertThat(expect(200, h.admin().get("/v1/feedback")).get("unattributed_complaints").asInt()).as("counted, across a restart")
                        .isEqualTo(2);
            }
        }
    }

    private static String path(ScriptedMx mx, String rcpt) {
        return mx.envelopes.stream().filter(e -> e.endsWith(" " + rcpt)).findFirst().orElseThrow().split(" ")[0];
    }

    private static String fixture(String name) throws Exception {
        try (var in = ComplaintTest.class.getResourceAsStream("/feedback/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void report(TestHerald h, String message) throws Exception {
        try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
            s.hello();
            s.send("MAIL FROM:<staff@feedback.example>");
            assertThat(s.send("RCPT TO:<fbl@mx.herald.test>")).startsWith("250");
            s.send("DATA");
            assertThat(s.send(message.replace("\r\n.", "\r\n..") + "\r\n.")).startsWith("250");
        }
    }

    private static java.util.List<String> suppressions(TestApi admin) {
        var out = new java.util.ArrayList<String>();
        expect(200, admin.get("/v1/suppressions?tenant=acme")).get("suppressions")
                .forEach(s -> out.add(s.get("address").asText() + " " + s.get("reason").asText()));
        return out;
    }
}
