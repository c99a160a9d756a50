package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing doubled: Herald runs as its own process; four connections pipeline
 * messages (MAIL, RCPT, BDAT LAST in one go, without waiting); the process is killed with SIGKILL
 * in the middle; after a restart every message that got its 250 is in the mailbox exactly once.
 * A message may also be present without its 250 reaching the client only if the client had sent
 * it whole (the 250 was on its way when the process died); nothing else is present.
 */
class CrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "herald.jar").toAbsolutePath();
    private static final int CONNECTIONS = 4;
    private static final int PER_CONNECTION = 2000;

    @TempDir
    Path data;

    @Test
    void everyAcknowledgedMessageSurvivesSigkillExactlyOnce() throws Exception {
        var server = start("run-1.log");
        int http = server.http;
        int mx = server.mx;
        var key = Files.readString(data.resolve("data/admin.key")).trim();
        post(http, key, "/v1/tenants", Map.of("name", "crash"));
        post(http, key, "/v1/domains", Map.of("name", "crash.example", "tenant", "crash"));
        post(http, key, "/v1/mailboxes", Map.of("address", "sink@crash.example"));

        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> fullySent = ConcurrentHashMap.newKeySet();
        var ackCount = new AtomicInteger();
        var threads = new ArrayList<Thread>();
        for (int c = 0; c < CONNECTIONS; c++) {
            final int conn = c;
            var t = new Thread(() -> pump(mx, conn, acked, fullySent, ackCount), "pump-" + c);
            t.start();
            threads.add(t);
        }
        // Kill mid-stream, once a good number of messages have been acknowledged.
        await().atMost(Duration.ofSeconds(60)).until(() -> ackCount.get() >= 400);
        server.process.destroyForcibly(); // SIGKILL
        server.process.waitFor(10, TimeUnit.SECONDS);
        for (var t : threads) {
            t.join(30_000);
        }
        assertThat(acked.size()).isGreaterThanOrEqualTo(400).isLessThan(CONNECTIONS * PER_CONNECTION);

        var again = start("run-2.log");
        try {
            // Wait for the replay to settle: the count stops changing and covers every acknowledged message.
            Map<String, Integer> present = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                present.clear();
                present.putAll(inbox(again.http, key));
                return present.keySet().containsAll(acked);
            });
            var duplicates = present.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertThat(duplicates).as("no message is delivered twice").isEmpty();
            assertThat(present.keySet()).as("every message with a 250 is present").containsAll(acked);
            assertThat(fullySent).containsAll(present.keySet());
            var inFlight = present.keySet().stream().filter(id -> !acked.contains(id)).toList();
            System.err.printf("CrashIT: %d acknowledged, %d present, %d present whose 250 was in flight at the kill%n",
                    acked.size(), present.size(), inFlight.size());
            assertThat(inFlight.size()).as("only messages in flight at the kill").isLessThanOrEqualTo(CONNECTIONS * 64);
        } finally {
            again.close();
        }
    }

    /** One connection: writes messages back to back while a reader matches replies to them in order. */
    private static void pump(int port, int conn, Set<String> acked, Set<String> fullySent, AtomicInteger ackCount) {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            in.readLine();
            out.write("EHLO crash.test\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String l = in.readLine(); l != null && l.charAt(3) == '-'; l = in.readLine()) {
                // EHLO lines
            }
            var order = new java.util.concurrent.LinkedBlockingQueue<String>();
            var reader = new Thread(() -> {
                try {
                    while (true) {
                        var id = order.take();
                        var mail = in.readLine();
                        var rcpt = in.readLine();
                        var data = in.readLine();
                        if (mail == null || rcpt == null || data == null) {
                            return;
                        }
                        if (data.startsWith("250 2.0.0 OK queued")) {
                            acked.add(id);
                            ackCount.incrementAndGet();
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the server died: replies stop here
                }
            });
            reader.setDaemon(true);
            reader.start();
            for (int i = 0; i < PER_CONNECTION; i++) {
                var id = "<crash-" + conn + "-" + i + "@crash.test>";
                var body = "From: load@crash.test\r\nTo: sink@crash.example\r\nMessage-ID: " + id + "\r\nSubject: crash " + i
                        + "\r\n\r\n" + "payload line\r\n".repeat(20);
                var bytes = body.getBytes(StandardCharsets.US_ASCII);
                order.add(id);
                out.write(("MAIL FROM:<load@crash.test>\r\nRCPT TO:<sink@crash.example>\r\nBDAT " + bytes.length + " LAST\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
                fullySent.add(id);
            }
            reader.join(30_000);
        } catch (IOException | InterruptedException e) {
            // expected: the server was killed
        }
    }

    /** Every listener on a port the kernel picks: a restart gets new ones, read from its log. */
    private ServeProcess start(String log) throws IOException {
        return ServeProcess.start(java.util.List.of("java", "-jar", JAR.toString(), "serve", "--data", data.resolve("data").toString(),
                "--set", "server.hostname=crash.test"), data, data.resolve(log));
    }

    private static JsonNode post(int port, String key, String path, Object body) throws Exception {
        var resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
        return JSON.readTree(resp.body());
    }

    private static Map<String, Integer> inbox(int port, String key) throws Exception {
        var resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/mailboxes/sink@crash.example/messages")).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        var counts = new HashMap<String, Integer>();
        JSON.readTree(resp.body()).get("messages").forEach(m -> counts.merge(m.get("message_id").asText(), 1, Integer::sum));
        return counts;
    }
}
