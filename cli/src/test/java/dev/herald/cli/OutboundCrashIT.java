package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.outbound.ScriptedMx;
import dev.herald.server.testing.LoopbackDnsServer;
import dev.herald.server.testing.SmtpScript;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL during delivery of 5,000 messages, restart: every message reaches the remote at least
 * once, and no recipient the queue had recorded delivered before the kill is delivered again.
 */
class OutboundCrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "herald.jar").toAbsolutePath();
    private static final int MESSAGES = 5_000;
    private static final Pattern SEQ = Pattern.compile("X-Seq: (\\d+)");

    @TempDir
    Path data;

    @Test
    void killDuringDeliveryLosesNothingAndRepeatsNothingConfirmed() throws Exception {
        try (var dns = new LoopbackDnsServer(); var mx = new ScriptedMx(OutboundCrashIT::slowly)) {
            dns.mx("sink.example", 10, "mx.sink.example").a("mx.sink.example", "127.0.0.1");
            var settings = new String[] {"--set", "dns.resolver=" + dns.address(), "--set", "outbound.port=" + mx.port(),
                    "--set", "outbound.allow_private_mx=true", "--set", "outbound.retry_schedule=1s", 
                    "--set", "server.hostname=crash.test"};
            var server = start(settings, "run-1.log");
            int http = server.http;
            int submissions = server.submissions;
            var key = Files.readString(data.resolve("data/admin.key")).trim();
            // 5,000 messages from one mailbox of a new domain: far over the default budgets, warm-up and pacing.
            var unlimited = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/policy"))
                    .header("Authorization", "Bearer " + key).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(
                            Map.of("mailbox.hourly_limit", "unlimited", "mailbox.daily_limit", "unlimited", "warmup.enabled", "false",
                                    "recipient_domain.per_minute", "unlimited")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unlimited.statusCode()).as(unlimited.body()).isEqualTo(200);
            post(http, key, "/v1/tenants", Map.of("name", "crash"));
            post(http, key, "/v1/domains", Map.of("name", "crash.example", "tenant", "crash"));
            var password = JSON.readTree(post(http, key, "/v1/mailboxes", Map.of("address", "agent@crash.example")))
                    .get("credentials").get("password").asText();

            try (var s = SmtpScript.implicitTls(submissions)) {
                s.hello();
                assertThat(s.authPlain("agent@crash.example", password)).startsWith("235");
                var batch = new StringBuilder();
                for (int i = 0; i < MESSAGES; i++) {
                    var body = "From: agent@crash.example\r\nSubject: crash " + i + "\r\nX-Seq: " + i + "\r\n\r\nbody\r\n";
                    batch.append("MAIL FROM:<agent@crash.example>\r\nRCPT TO:<r").append(i).append("@sink.example>\r\nBDAT ")
                            .append(body.length()).append(" LAST\r\n").append(body);
                    if (batch.length() > 64_000 || i == MESSAGES - 1) {
                        s.write(batch.toString());
                        batch.setLength(0);
                    }
                }
                for (int i = 0; i < MESSAGES * 3; i++) {
                    assertThat(s.reply()).startsWith("250");
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> mx.accepted.size() >= 500);
            var confirmed = delivered(http, key); // recorded delivered before the kill (a subset of them)
            server.process.destroyForcibly(); // SIGKILL, mid-delivery
            server.process.waitFor(10, TimeUnit.SECONDS);
            assertThat(confirmed).isNotEmpty().hasSizeLessThan(MESSAGES);

            var again = start(settings, "run-2.log");
            long restarted = System.nanoTime();
            try {
                try {
                    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> seqs(mx).size() == MESSAGES);
                } catch (ConditionTimeoutException stalled) {
                    // Say where it stalled: what the queue holds besides delivered, and what the server logged.
                    assertThat(seqs(mx).size()).as(() -> stall(again.http, key, again.log)).isEqualTo(MESSAGES);
                }
                var counts = seqs(mx);
                for (int i = 0; i < MESSAGES; i++) {
                    assertThat(counts.getOrDefault(i, 0)).as("message " + i + " delivered at least once").isPositive();
                }
                for (var rcpt : confirmed) {
                    int seq = Integer.parseInt(rcpt.substring(1, rcpt.indexOf('@')));
                    assertThat(counts.get(seq)).as(rcpt + " was confirmed before the kill").isEqualTo(1);
                }
                long repeated = counts.values().stream().filter(c -> c > 1).count();
                System.err.printf("OutboundCrashIT: %d confirmed before the kill; %d of %d delivered twice (in flight at the kill); "
                        + "after the restart the rest reached the remote in %d ms%n",
                        confirmed.size(), repeated, MESSAGES, (System.nanoTime() - restarted) / 1_000_000);
            } finally {
                again.close();
            }
        }
    }

    /**
     * A remote that takes 40 ms to accept each message: ten connections take 250 a second, slower
     * than the submission, so the kill comes with most of the queue still to go.
     */
    private static String slowly(int transaction) {
        try {
            Thread.sleep(40);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "250 2.0.0 ok";
    }

    private static String stall(int http, String key, Path log) {
        var sb = new StringBuilder("not every message reached the remote; the queue now: ");
        try {
            var resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/v1/queue?tenant=crash&limit=5000")).header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            var states = new TreeMap<String, Integer>();
            var replies = new TreeSet<String>();
            JSON.readTree(resp.body()).get("entries").forEach(e -> {
                var state = e.get("state").asText();
                states.merge(state, 1, Integer::sum);
                if (!state.equals("delivered") && e.hasNonNull("last_reply") && replies.size() < 5) {
                    replies.add(e.get("last_reply").asText());
                }
            });
            sb.append(states).append(", replies ").append(replies);
            var warnings = Files.readAllLines(log).stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).limit(10).toList();
            sb.append("; the log's first warnings: ").append(warnings);
        } catch (Exception e) {
            sb.append("(could not read it: ").append(e).append(')');
        }
        return sb.toString();
    }

    private static Map<Integer, Integer> seqs(ScriptedMx mx) {
        var counts = new HashMap<Integer, Integer>();
        for (var body : mx.accepted) {
            var m = SEQ.matcher(body);
            if (m.find()) {
                counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static Set<String> delivered(int port, String key) throws Exception {
        var resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/queue?tenant=crash"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        var out = new HashSet<String>();
        JSON.readTree(resp.body()).get("entries").forEach(e -> {
            if (e.get("state").asText().equals("delivered")) {
                out.add(e.get("recipient").asText());
            }
        });
        return out;
    }

    /** Every listener on a port the kernel picks: a restart gets new ones, read from its log. */
    private ServeProcess start(String[] settings, String log) throws IOException {
        var cmd = new java.util.ArrayList<>(java.util.List.of("java", "-jar", JAR.toString(), "serve", "--data", data.resolve("data").toString()));
        cmd.addAll(java.util.List.of(settings));
        return ServeProcess.start(cmd, data, data.resolve(log));
    }

    private static String post(int port, String key, String path, Object body) throws Exception {
        var resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
        return resp.body();
    }
}
