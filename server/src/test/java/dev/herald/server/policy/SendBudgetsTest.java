package dev.herald.server.policy;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestHerald;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets over real SMTP: a workspace's hourly limit answers 451 4.7.1 naming the limit and its
 * reset, counts every recipient of a transaction, and a change through the API applies at once; an
 * agent run over its budget is deferred at the end of DATA, or held for approval when its policy
 * says so, and an admin's approval releases it.
 */
class SendBudgetsTest {
    @TempDir
    Path data;

    @Test
    void hourlyAndRunBudgets() throws Exception {
        try (var h = TestHerald.start(data)) {
            var admin = h.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            var a1 = admin.createMailbox("a1@acme.com").get("credentials").get("password").asText();
            var a2 = admin.createMailbox("a2@acme.com").get("credentials").get("password").asText();
            expect(200, admin.patch("/v1/policy?tenant=acme&workspace=default", Map.of("mailbox.hourly_limit", "3")));

            try (var s = session(h, "a1@acme.com", a1)) {
                s.send("MAIL FROM:<a1@acme.com>");
                for (int i = 1; i <= 3; i++) {
                    assertThat(s.send("RCPT TO:<r" + i + "@remote.example>")).startsWith("250");
                }
                var fourth = s.send("RCPT TO:<r4@remote.example>");
                assertThat(fourth).as("the 4th recipient of one transaction counts too")
                        .matches("451 4\\.7\\.1 mailbox hourly limit of 3 messages reached; resets at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
                assertThat(s.send("RCPT TO:<a2@acme.com>")).as("hosted recipients are not counted").startsWith("250");
                s.send("DATA");
                assertThat(s.send("From: a1@acme.com\r\nSubject: three\r\n\r\nhi\r\n.")).startsWith("250");
                s.send("MAIL FROM:<a1@acme.com>");
                assertThat(s.send("RCPT TO:<r5@remote.example>")).startsWith("451 4.7.1 mailbox hourly limit of 3");
                assertThat(s.send("RSET")).startsWith("250");
            }
            try (var s = session(h, "a2@acme.com", a2)) {
                s.send("MAIL FROM:<a2@acme.com>");
                assertThat(s.send("RCPT TO:<x@remote.example>")).as("another mailbox has its own hour").startsWith("250");
            }
            // The workspace's limit raised: applies to the next RCPT, no restart.
            expect(200, admin.patch("/v1/policy?tenant=acme&workspace=default", Map.of("mailbox.hourly_limit", "100", "run.limit", "2")));
            try (var s = session(h, "a1@acme.com", a1)) {
                assertThat(send(s, "a1@acme.com", "X-Herald-Run: nightly-7\r\n", "p1@remote.example", "p2@remote.example")).startsWith("250");
                assertThat(send(s, "a1@acme.com", "X-Herald-Run: nightly-7\r\n", "p3@remote.example"))
                        .startsWith("451 4.7.1 run nightly-7 has used its budget of 2 messages; resets at ");
                assertThat(send(s, "a1@acme.com", "X-Herald-Run: nightly-8\r\n", "p3@remote.example")).as("another run").startsWith("250");
            }
            // Over budget with run.over_budget = hold: accepted, held, released by an admin.
            expect(200, admin.patch("/v1/policy?tenant=acme&workspace=default", Map.of("run.over_budget", "hold")));
            String queueId;
            try (var s = session(h, "a1@acme.com", a1)) {
                var reply = send(s, "a1@acme.com", "X-Herald-Run: nightly-7\r\n", "p4@remote.example");
                assertThat(reply).matches("250 2\\.0\\.0 OK queued as [0-9A-F]+; held for approval");
                queueId = reply.replaceAll(".*queued as ([0-9A-F]+);.*", "$1");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/v1/queue/" + queueId).status() == 200);
            var held = expect(200, admin.get("/v1/queue/" + queueId)).get("recipients").get(0);
            assertThat(held.get("state").asText()).isEqualTo("held");
            var tenantKey = new dev.herald.server.testing.TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "acme")));
            expect(403, tenantKey.post("/v1/queue/" + queueId + "/approve", Map.of()));
            assertThat(expect(200, admin.post("/v1/queue/" + queueId + "/approve", Map.of())).get("approved").asInt()).isEqualTo(1);
            assertThat(expect(200, admin.get("/v1/queue/" + queueId)).get("recipients").get(0).get("state").asText()).isEqualTo("waiting");

            // hold.for_approval on one mailbox: everything it sends waits; a rejection reaches the agent as a DSN.
            expect(200, admin.patch("/v1/policy?mailbox=a2@acme.com", Map.of("hold.for_approval", "true")));
            String second;
            try (var s = session(h, "a2@acme.com", a2)) {
                var reply = send(s, "a2@acme.com", "", "q@remote.example");
                assertThat(reply).endsWith("; held for approval");
                second = reply.replaceAll(".*queued as ([0-9A-F]+);.*", "$1");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/v1/queue/" + second).status() == 200);
            assertThat(expect(200, admin.post("/v1/queue/reject?tenant=acme&state=held", Map.of())).get("rejected").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> expect(200, admin.get("/v1/mailboxes/a2@acme.com/messages")).toString()
                    .contains("Undelivered mail: q@remote.example"));
        }
    }

    private static SmtpScript session(TestHerald h, String user, String password) throws Exception {
        var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS));
        s.hello();
        assertThat(s.authPlain(user, password)).startsWith("235");
        return s;
    }

    private static String send(SmtpScript s, String from, String headers, String... rcpts) throws Exception {
        s.send("MAIL FROM:<" + from + ">");
        for (var r : rcpts) {
            assertThat(s.send("RCPT TO:<" + r + ">")).startsWith("250");
        }
        s.send("DATA");
        return s.send("From: " + from + "\r\nSubject: run\r\n" + headers + "\r\nhello\r\n.");
    }
}
