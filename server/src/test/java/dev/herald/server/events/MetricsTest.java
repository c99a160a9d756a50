package dev.herald.server.events;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.outbound.ScriptedMx;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `/metrics` read by Prometheus's own text-format parser (Debian's python3-prometheus-client;
 * .ci/run installs it): per-tenant event counters, queue depth by reason, the delivery latency
 * histogram, connection gauges, JVM basics; an admin key is needed to read it.
 */
class MetricsTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Prints every sample as JSON: [name, labels, value]. */
    private static final String PARSE = "import sys, json\n"
            + "from prometheus_client.parser import text_string_to_metric_families\n"
            + "out = []\n"
            + "for family in text_string_to_metric_families(sys.stdin.read()):\n"
            + "    for s in family.samples:\n"
            + "        out.append([s.name, s.labels, s.value])\n"
            + "print(json.dumps(out))\n";

    @TempDir
    Path data;

    @Test
    void prometheusParsesTheSeriesAndTheirValues() throws Exception {
        boolean parser = Files.isExecutable(PYTHON) && python("import prometheus_client.parser", "").exit == 0;
        if (!parser) {
            System.err.println("*** SKIPPED MetricsTest: python3-prometheus-client is not installed (apt-get install python3-prometheus-client) ***");
        }
        assumeTrue(parser, "python3-prometheus-client is not installed");
        try (var dns = new LoopbackDnsServer();
             var mx = new ScriptedMx(n -> "250 2.0.0 ok", rcpt -> rcpt.startsWith("slow") ? "451 4.3.0 later" : "250 ok")) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            try (var h = TestHerald.start(data, Map.of("dns.resolver", dns.address(), "outbound.enabled", "true", "outbound.port",
                    String.valueOf(mx.port()), "outbound.allow_private_mx", "true", "outbound.retry_schedule", "1h"))) {
                var admin = h.admin();
                admin.liftSendLimits();
                admin.createTenant("acme");
                admin.addDomain("acme", "acme.example");
                var password = admin.createMailbox("agent@acme.example").get("credentials").get("password").asText();
                try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
                    s.hello();
                    assertThat(s.authPlain("agent@acme.example", password)).startsWith("235");
                    for (var rcpt : new String[] {"one@sink.example", "two@sink.example", "slow@sink.example"}) {
                        s.send("MAIL FROM:<agent@acme.example>");
                        assertThat(s.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
                        s.send("DATA");
                        assertThat(s.send("From: agent@acme.example\r\nSubject: hi\r\n\r\nhi\r\n.")).startsWith("250");
                    }
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> mx.accepted.size() == 2
                        && expect(200, admin.get("/v1/stats?tenant=acme")).get("tenants").get(0).get("deferred").asLong() == 1);

                var tenantKey = admin.createKey(Map.of("scope", "tenant", "tenant", "acme"));
                assertThat(get(h.url(), tenantKey).statusCode()).as("tenant keys do not read server metrics").isEqualTo(403);
                assertThat(get(h.url(), null).statusCode()).isEqualTo(401);

                // One SMTP and one IMAP connection open while scraping.
                try (var smtp = SmtpScript.plain(h.smtpPort(Listener.MX)); var imap = new java.net.Socket("127.0.0.1", h.imapPort(false))) {
                    imap.getInputStream().read(new byte[64]); // the greeting: the connection is set up
                    var response = get(h.url(), h.adminKey());
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
                    var samples = python(PARSE, response.body());
                    assertThat(samples.exit).as(samples.err).isZero();
                    var parsed = TestApi.JSON.readTree(samples.out);
                    assertThat(value(parsed, "herald_events_total", Map.of("tenant", "acme", "domain", "acme.example", "event", "accepted")))
                            .isEqualTo(3);
                    assertThat(value(parsed, "herald_events_total", Map.of("tenant", "acme", "domain", "acme.example", "event", "delivered")))
                            .isEqualTo(2);
                    assertThat(value(parsed, "herald_events_total", Map.of("tenant", "acme", "domain", "acme.example", "event", "deferred")))
                            .isEqualTo(1);
                    assertThat(value(parsed, "herald_queue_depth", Map.of("tenant", "acme", "reason", "retrying"))).isEqualTo(1);
                    assertThat(value(parsed, "herald_delivery_latency_seconds_count", Map.of("tenant", "acme"))).isEqualTo(2);
                    assertThat(value(parsed, "herald_delivery_latency_seconds_bucket", Map.of("tenant", "acme", "le", "+Inf"))).isEqualTo(2);
                    assertThat(value(parsed, "herald_smtp_connections", Map.of())).isEqualTo(1);
                    assertThat(value(parsed, "herald_imap_connections", Map.of())).isEqualTo(1);
                    assertThat(value(parsed, "jvm_threads_current", Map.of())).isPositive();
                    assertThat(samples.out).doesNotContain("agent@acme.example").as("no mailbox labels");
                }
            }
        }
    }

    private static double value(JsonNode samples, String name, Map<String, String> labels) {
        for (var s : samples) {
            if (!s.get(0).asText().equals(name)) {
                continue;
            }
            var l = s.get(1);
            boolean match = l.size() == labels.size();
            for (var e : labels.entrySet()) {
                match &= l.has(e.getKey()) && l.get(e.getKey()).asText().equals(e.getValue());
            }
            if (match) {
                return s.get(2).asDouble();
            }
        }
        throw new AssertionError("no sample " + name + labels);
    }

    private static HttpResponse<String> get(String url, String key) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url + "/metrics")).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run python(String script, String stdin) throws Exception {
        var p = new ProcessBuilder(PYTHON.toString(), "-c", script).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }
}
