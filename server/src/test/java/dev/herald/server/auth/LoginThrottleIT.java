package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.ImapScript;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Password storms over real sockets (SMTP AUTH, IMAP LOGIN, HTTP API keys): the guesser's address is
 * slowed, the owner's correct password from another address (127.0.0.2) is never refused, and every
 * failure is logged in the fail2ban format, counted in /metrics and in the audit log.
 */
class LoginThrottleIT {
    @TempDir
    Path dir;
    TestHerald h;
    String password;
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void start() {
        // A short schedule so the storm takes a second, not minutes; the shape is LoginThrottleTest's.
        h = TestHerald.start(dir, Map.of("auth.failure_delay", "100ms", "auth.failure_delay_max", "400ms", "imap.plaintext_login", "false"));
        h.admin().createTenant("acme");
        h.admin().addDomain("acme", "acme.com");
        password = h.admin().createMailbox("agent@acme.com").get("credentials").get("password").asText();
        logged.start();
        ((Logger) LoggerFactory.getLogger(LoginGuard.class)).addAppender(logged);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(LoginGuard.class)).detachAppender(logged);
        h.close();
    }

    @Test
    void smtpStormSlowsTheGuesserButNotTheOwnerElsewhere() throws Exception {
        int port = h.smtpPort(Listener.SUBMISSIONS);
        for (int storm = 0; storm < 2; storm++) {
            int refusedUnchecked = 0;
            try (var s = SmtpScript.implicitTlsFrom(port, "127.0.0.1")) {
                s.hello();
                for (int i = 0; i < 12; i++) {
                    var reply = s.authPlain("agent@acme.com", "wrong-" + i);
                    assertThat(reply).matches("^(535 5\\.7\\.8|454 4\\.7\\.0).*");
                    refusedUnchecked += reply.startsWith("454") ? 1 : 0;
                }
                // Told to wait, never disconnected.
                assertThat(s.send("NOOP")).startsWith("250");
            }
            // The owner, from another address, right after the storm: in at once.
            try (var s = SmtpScript.implicitTlsFrom(port, "127.0.0.2")) {
                s.hello();
                long t0 = System.nanoTime();
                assertThat(s.authPlain("agent@acme.com", password)).startsWith("235");
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
            }
            assertThat(refusedUnchecked).as("storm %d", storm).isGreaterThanOrEqualTo(0);
        }
        // The guesser's own address is slowed, not locked: once its slot comes, the right password works there too.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
            try (var s = SmtpScript.implicitTlsFrom(port, "127.0.0.1")) {
                s.hello();
                return s.authPlain("agent@acme.com", password).startsWith("235");
            }
        });
        assertThat(failedLines()).anyMatch(l -> l.equals("login failed: protocol=SMTP client=127.0.0.1 account=agent@acme.com reason=invalid credentials"));
    }

    @Test
    void smtpAttemptsFromOneAddressAreSpacedOut() throws Exception {
        int port = h.smtpPort(Listener.SUBMISSIONS);
        try (var s = SmtpScript.implicitTlsFrom(port, "127.0.0.1")) {
            s.hello();
            long t0 = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                assertThat(s.authPlain("agent@acme.com", "wrong-" + i)).startsWith("535");
            }
            // 0 + 100 + 200 + 400 ms of enforced waiting before the 2nd, 3rd and 4th checks.
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(650);
        }
    }

    @Test
    void imapStormDoesNotLockTheOwnerOut() throws Exception {
        int port = h.imapPort(true);
        try (var imap = ImapScript.tlsFrom(port, "127.0.0.1")) {
            for (int i = 0; i < 10; i++) {
                assertThat(imap.status("LOGIN agent@acme.com wrong-" + i)).matches("^NO \\[(AUTHENTICATIONFAILED|UNAVAILABLE)].*");
            }
        }
        try (var imap = ImapScript.tlsFrom(port, "127.0.0.2")) {
            assertThat(imap.status("LOGIN agent@acme.com " + password)).startsWith("OK");
        }
        assertThat(failedLines()).anyMatch(l -> l.equals("login failed: protocol=IMAP client=127.0.0.1 account=agent@acme.com reason=invalid credentials"));
    }

    @Test
    void failuresAreCountedInMetricsAndAudited() throws Exception {
        try (var imap = ImapScript.tlsFrom(h.imapPort(true), "127.0.0.3")) {
            assertThat(imap.status("LOGIN agent@acme.com nope")).startsWith("NO [AUTHENTICATIONFAILED]");
        }
        try (var s = SmtpScript.implicitTlsFrom(h.smtpPort(Listener.SUBMISSIONS), "127.0.0.3")) {
            s.hello();
            assertThat(s.authPlain("agent@acme.com", "nope")).startsWith("535");
        }
        var http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(h.url() + "/v1/tenants"))
                .header("Authorization", "Bearer hk_not-a-key").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(http.statusCode()).isEqualTo(401);

        var metrics = h.admin().get("/metrics").raw();
        assertThat(metrics).contains("herald_auth_failures_total{protocol=\"IMAP\",reason=\"invalid_credentials\"} 1.0")
                .contains("herald_auth_failures_total{protocol=\"SMTP\",reason=\"invalid_credentials\"} 1.0")
                .contains("herald_auth_failures_total{protocol=\"HTTP\",reason=\"invalid_credentials\"} 1.0");
        var audit = TestApi.expect(200, h.admin().get("/v1/audit")).get("entries");
        var failed = new java.util.ArrayList<String>();
        audit.forEach(e -> {
            if (e.get("action").asText().equals("login_failed")) {
                failed.add(e.get("actor").asText() + " | " + e.get("detail").asText());
            }
        });
        assertThat(failed).contains("client 127.0.0.3 | IMAP login failed from 127.0.0.3 as agent@acme.com: invalid credentials",
                "client 127.0.0.3 | SMTP login failed from 127.0.0.3 as agent@acme.com: invalid credentials",
                "client 127.0.0.1 | HTTP login failed from 127.0.0.1 (API key): invalid API key");
        assertThat(failedLines()).contains("login failed: protocol=HTTP client=127.0.0.1 account=- reason=invalid API key");
    }

    @Test
    void httpKeyGuessingFromOneAddressIsSlowedAndParallelGuessesAnswered429() throws Exception {
        var client = HttpClient.newHttpClient();
        for (int i = 0; i < 6; i++) { // past auth.client_free_failures: this address now waits
            assertThat(client.send(HttpRequest.newBuilder(URI.create(h.url() + "/v1/tenants")).header("Authorization", "Bearer hk_guess" + i)
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
        // Twenty guesses at once: their slots are spaced by the delay, so most are refused unchecked.
        var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 20; i++) {
            futures.add(client.sendAsync(HttpRequest.newBuilder(URI.create(h.url() + "/v1/tenants")).header("Authorization", "Bearer hk_par" + i)
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        int tooMany = 0;
        for (var f : futures) {
            var r = f.get();
            assertThat(r.statusCode()).isIn(401, 429);
            if (r.statusCode() == 429) {
                tooMany++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("\"code\":\"too_many_requests\"");
            }
        }
        assertThat(tooMany).isGreaterThanOrEqualTo(10);
        // The admin's own valid key from this address is slowed, not refused for good.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> h.admin().get("/v1/tenants").status() == 200);
    }

    private java.util.List<String> failedLines() {
        return logged.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
