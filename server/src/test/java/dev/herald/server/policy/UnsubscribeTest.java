package dev.herald.server.policy;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.outbound.ScriptedMx;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8058 one-click unsubscribe: bulk copies carry List-Unsubscribe (HTTPS-style link and mailto,
 * a token per recipient) and List-Unsubscribe-Post, both signed; transactional mail carries neither.
 * The POST (no API key, as a mail provider sends it) and the mailto form each suppress the recipient
 * for the sending tenant; a forged token does nothing; a GET only shows a page.
 */
class UnsubscribeTest {
    private static final Pattern LINKS = Pattern.compile("List-Unsubscribe: <http://[^/]+/u/([0-9a-z]+-[0-9a-f]{10})>, <mailto:(unsubscribe\\+[0-9a-z]+-[0-9a-f]{10})@acme\\.com>");

    @TempDir
    Path data;

    @Test
    void oneClickAndMailtoUnsubscribe() throws Exception {
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(n -> "250 2.0.0 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true"))) {
                var admin = h.admin();
                admin.createTenant("acme");
                admin.addDomain("acme", "acme.com");
                var password = admin.createMailbox("news@acme.com").get("credentials").get("password").asText();
                try (var s = session(h, password)) {
                    assertThat(send(s, "bulk", "List-Unsubscribe: <mailto:agent-made-this@elsewhere.example>\r\n", "a@sink.example", "b@sink.example"))
                            .startsWith("250");
                    assertThat(send(s, "transactional", "", "c@sink.example")).startsWith("250");
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> mx.accepted.size() == 3);
                var http = HttpClient.newHttpClient();
                assertThat(mx.accepted.stream().filter(m -> !m.contains("List-Unsubscribe"))).as("the transactional copy").hasSize(1);
                String tokenA = null;
                String mailtoB = null;
                for (var copy : mx.accepted) {
                    var m = LINKS.matcher(copy);
                    if (!m.find()) {
                        continue;
                    }
                    assertThat(copy).contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click").doesNotContain("agent-made-this")
                            .containsPattern("h=[^;]*List-Unsubscribe");
                    // Whose copy this is: the token's page names the recipient.
                    var who = http.send(HttpRequest.newBuilder(URI.create(h.url() + "/u/" + m.group(1))).GET().build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    if (who.contains("a@sink.example")) {
                        tokenA = m.group(1);
                    } else if (who.contains("b@sink.example")) {
                        mailtoB = m.group(2);
                    }
                }
                assertThat(tokenA).isNotNull();
                assertThat(mailtoB).isNotNull();

                var page = http.send(HttpRequest.newBuilder(URI.create(h.url() + "/u/" + tokenA)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("<form method=\"post\">").contains("a@sink.example");
                assertThat(suppressed(admin)).as("a GET does not unsubscribe").isEmpty();
                var click = http.send(HttpRequest.newBuilder(URI.create(h.url() + "/u/" + tokenA))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(click.statusCode()).isEqualTo(200);
                assertThat(click.body()).contains("\"unsubscribed\":\"a@sink.example\"");
                var forged = http.send(HttpRequest.newBuilder(URI.create(h.url() + "/u/" + tokenA.replaceAll("[0-9a-f]$", "x")))
                        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(forged.statusCode()).isEqualTo(404);

                try (var s = SmtpScript.plain(h.smtpPort(Listener.MX))) {
                    s.hello();
                    s.send("MAIL FROM:<b@sink.example>");
                    assertThat(s.send("RCPT TO:<unsubscribe+0-0000000000@acme.com>")).startsWith("550");
                    assertThat(s.send("RCPT TO:<" + mailtoB + "@acme.com>")).startsWith("250");
                    s.send("DATA");
                    assertThat(s.send("From: b@sink.example\r\nSubject: unsubscribe\r\n\r\n.")).startsWith("250");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> suppressed(admin).size() == 2);
                assertThat(suppressed(admin)).containsExactly("a@sink.example unsubscribe", "b@sink.example unsubscribe");
                try (var s = session(h, password)) {
                    s.send("MAIL FROM:<news@acme.com>");
                    assertThat(s.send("RCPT TO:<a@sink.example>")).startsWith("550 5.1.1");
                }
            }
        }
    }

    private static java.util.List<String> suppressed(dev.herald.server.testing.TestApi admin) {
        var out = new java.util.ArrayList<String>();
        expect(200, admin.get("/v1/suppressions?tenant=acme")).get("suppressions")
                .forEach(s -> out.add(s.get("address").asText() + " " + s.get("reason").asText()));
        return out;
    }

    private static SmtpScript session(TestHerald h, String password) throws Exception {
        var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS));
        s.hello();
        assertThat(s.authPlain("news@acme.com", password)).startsWith("235");
        return s;
    }

    private static String send(SmtpScript s, String stream, String headers, String... rcpts) throws Exception {
        s.send("MAIL FROM:<news@acme.com>");
        for (var r : rcpts) {
            assertThat(s.send("RCPT TO:<" + r + ">")).startsWith("250");
        }
        s.send("DATA");
        return s.send("From: news@acme.com\r\nX-Herald-Stream: " + stream + "\r\n" + headers + "Subject: news\r\n\r\nhello\r\n.");
    }
}
