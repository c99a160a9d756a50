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

/**
 * Two agents answering each other in one thread are stopped after loop.thread_replies_per_hour
 * replies (both directions counted); another thread, or a message that replies to nothing, goes.
 */
class LoopProtectionTest {
    @TempDir
    Path data;

    @Test
    void pingPongInOneThreadIsCapped() throws Exception {
        try (var h = TestHerald.start(data)) {
            var admin = h.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.com");
            var a = admin.createMailbox("a@acme.com").get("credentials").get("password").asText();
            var b = admin.createMailbox("b@acme.com").get("credentials").get("password").asText();
            expect(200, admin.patch("/v1/policy?tenant=acme&workspace=default", Map.of("loop.thread_replies_per_hour", "3")));
            var thread = "References: <root@acme.com>\r\nIn-Reply-To: <root@acme.com>\r\n";
            assertThat(send(h, "a@acme.com", a, "b@acme.com", thread)).startsWith("250");
            assertThat(send(h, "b@acme.com", b, "a@acme.com", thread)).startsWith("250");
            assertThat(send(h, "a@acme.com", a, "b@acme.com", thread)).startsWith("250");
            assertThat(send(h, "b@acme.com", b, "a@acme.com", thread)).isEqualTo("451 4.7.1 loop protection: 3 replies within an hour "
                    + "between b@acme.com and a@acme.com in thread <root@acme.com>; try again later");
            assertThat(send(h, "a@acme.com", a, "b@acme.com", "References: <other@acme.com>\r\n")).as("another thread").startsWith("250");
            assertThat(send(h, "a@acme.com", a, "b@acme.com", "")).as("not a reply").startsWith("250");
        }
    }

    private static String send(TestHerald h, String from, String password, String to, String headers) throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain(from, password)).startsWith("235");
            s.send("MAIL FROM:<" + from + ">");
            assertThat(s.send("RCPT TO:<" + to + ">")).startsWith("250");
            s.send("DATA");
            return s.send("From: " + from + "\r\nSubject: re: plan\r\n" + headers + "\r\nok\r\n.");
        }
    }
}
