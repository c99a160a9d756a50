package dev.herald.server.events;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.herald.server.smtp.session.Listener;
import dev.herald.server.testing.SmtpScript;
import dev.herald.server.testing.TestApi;
import dev.herald.server.testing.TestHerald;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks against a receiver on loopback (allowed here by webhooks.allow_private): every event
 * arrives signed as documented, a delivery answered 500 twice arrives a third time with the same
 * event id (the receiver de-duplicates by it), a received message carries its headers and text,
 * another tenant's events never arrive; an endpoint that keeps failing is paused until resumed;
 * and by default endpoints on loopback or private addresses are refused (SSRF).
 */
class WebhookTest {
    @TempDir
    Path data;

    /** A request as the receiver saw it. */
    record Received(String eventId, String timestamp, String signature, byte[] body) {
    }

    /** A loopback endpoint answering each request with the status {@code answer} gives. */
    static final class Receiver implements AutoCloseable {
        final List<Received> requests = new CopyOnWriteArrayList<>();
        final HttpServer server;

        Receiver(IntSupplier answer) throws Exception {
            this(body -> answer.getAsInt());
        }

        Receiver(java.util.function.ToIntFunction<byte[]> answer) throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                var body = exchange.getRequestBody().readAllBytes();
                var h = exchange.getRequestHeaders();
                requests.add(new Received(h.getFirst("X-Herald-Event-Id"), h.getFirst("X-Herald-Timestamp"), h.getFirst("X-Herald-Signature"), body));
                exchange.sendResponseHeaders(answer.applyAsInt(body), -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        /** What a receiver keeps: one body per event id, duplicates dropped. */
        Map<String, JsonNode> deduplicated() throws Exception {
            var out = new LinkedHashMap<String, JsonNode>();
            for (var r : requests) {
                out.putIfAbsent(r.eventId(), TestApi.JSON.readTree(r.body()));
            }
            return out;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void everyEventArrivesSignedRetriedUntil2xxAndOnlyToItsTenant() throws Exception {
        var receivedCalls = new AtomicInteger();
        // The endpoint answers 500 to the first two deliveries of the `received` event.
        java.util.function.ToIntFunction<byte[]> answer = body -> new String(body, StandardCharsets.UTF_8).contains("\"type\":\"received\"")
                && receivedCalls.incrementAndGet() <= 2 ? 500 : 200;
        try (var receiver = new Receiver(answer);
             var h = TestHerald.start(data, Map.of("webhooks.allow_private", "true", "webhooks.retry_base", "200ms"))) {
            var admin = h.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.example");
            var password = admin.createMailbox("agent@acme.example").get("credentials").get("password").asText();
            admin.createMailbox("peer@acme.example");
            admin.createTenant("other");
            admin.addDomain("other", "other.example");
            var otherPassword = admin.createMailbox("x@other.example").get("credentials").get("password").asText();
            admin.createMailbox("y@other.example");
            var tenantKey = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "acme")));
            var hook = expect(201, tenantKey.post("/v1/webhooks", Map.of("url", receiver.url())));
            var secret = hook.get("secret").asText();
            assertThat(secret).startsWith("whsec_");

            send(h, "agent@acme.example", password, "peer@acme.example", "<w1@acme.example>");
            send(h, "x@other.example", otherPassword, "y@other.example", "<w2@other.example>");
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deduplicated().values().stream()
                    .anyMatch(e -> e.get("type").asText().equals("received")));
            // Every delivery made (the `received` one on its third try), then a few sender rounds in which nothing else may arrive.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 7);

            for (var r : receiver.requests) {
                var expected = hmac(secret, r.timestamp() + "." + new String(r.body(), StandardCharsets.UTF_8));
                assertThat(r.signature()).isEqualTo("t=" + r.timestamp() + ",v1=" + expected);
                assertThat(TestApi.JSON.readTree(r.body()).get("id").asText()).isEqualTo(r.eventId());
            }
            // The `received` delivery was answered 500 twice: the same event arrived three times, under one id, byte for byte.
            var receivedCopies = receiver.requests.stream().filter(r -> new String(r.body(), StandardCharsets.UTF_8)
                    .contains("\"type\":\"received\"")).toList();
            assertThat(receivedCopies).hasSize(3);
            assertThat(receivedCopies).allMatch(r -> r.eventId().equals(receivedCopies.get(0).eventId())
                    && java.util.Arrays.equals(r.body(), receivedCopies.get(0).body()));
            assertThat(receiver.requests).hasSize(7);

            var events = receiver.deduplicated();
            var kinds = events.values().stream().map(e -> e.get("type").asText()).toList();
            // The webhook's own creation (an admin action of the tenant's key), then the agent's login, send and the delivery:
            // received by peer, delivered locally for the sender (their order is the delivery thread's).
            assertThat(kinds).startsWith("admin", "login", "accepted").containsOnlyOnce("received", "delivered_local").hasSize(5);
            assertThat(events.values()).allMatch(e -> e.get("tenant").asText().equals("acme"));
            var received = events.values().stream().filter(e -> e.get("type").asText().equals("received")).findFirst().orElseThrow();
            assertThat(received.get("mailbox").asText()).isEqualTo("peer@acme.example");
            assertThat(received.get("message_id").asText()).isEqualTo("<w1@acme.example>");
            assertThat(received.get("message").get("text").asText()).isEqualTo("hello there\r\n");
            assertThat(received.get("message").get("headers").toString()).contains("{\"name\":\"Subject\",\"value\":\"Grüße from agent\"}");

            var listed = expect(200, tenantKey.get("/v1/webhooks")).get("webhooks").get(0);
            assertThat(listed.get("delivered").asLong()).isEqualTo(5);
            assertThat(listed.get("pending").asLong()).isZero();
            assertThat(listed.has("secret")).as("the secret is shown once").isFalse();
            var test = expect(200, tenantKey.post("/v1/webhooks/" + hook.get("id").asText() + "/test", Map.of()));
            assertThat(test.get("ok").asBoolean()).isTrue();
            assertThat(test.get("status").asInt()).isEqualTo(200);
            var otherKey = new TestApi(h.url(), admin.createKey(Map.of("scope", "tenant", "tenant", "other")));
            expect(404, otherKey.delete("/v1/webhooks/" + hook.get("id").asText()));
            expect(204, tenantKey.delete("/v1/webhooks/" + hook.get("id").asText()));
        }
    }

    @Test
    void anEndpointThatKeepsFailingIsPausedUntilResumed() throws Exception {
        var failing = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (var receiver = new Receiver(() -> failing.get() ? 503 : 204);
             var h = TestHerald.start(data, Map.of("webhooks.allow_private", "true", "webhooks.retry_base", "100ms",
                     "webhooks.pause_after", "3"))) {
            var admin = h.admin();
            admin.createTenant("acme");
            admin.addDomain("acme", "acme.example");
            var password = admin.createMailbox("agent@acme.example").get("credentials").get("password").asText();
            var id = expect(201, admin.post("/v1/webhooks", Map.of("tenant", "acme", "url", receiver.url(), "events", "login"))).get("id").asText();
            send(h, "agent@acme.example", password, "agent@acme.example", "<p1@acme.example>");
            await().atMost(Duration.ofSeconds(20)).until(() -> "paused".equals(webhook(admin).get("status").asText()));
            assertThat(webhook(admin).get("failures_in_a_row").asInt()).isEqualTo(3);
            assertThat(webhook(admin).get("last_error").asText()).isEqualTo("HTTP 503");
            int seen = receiver.requests.size();
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests.size() == seen);
            assertThat(receiver.requests).as("a paused endpoint is not called").hasSize(seen);

            failing.set(false);
            assertThat(expect(200, admin.post("/v1/webhooks/" + id + "/resume", Map.of())).get("status").asText()).isEqualTo("active");
            await().atMost(Duration.ofSeconds(10)).until(() -> webhook(admin).get("delivered").asLong() == 1);
            assertThat(receiver.deduplicated()).hasSize(1);
        }
    }

    @Test
    void aHangingEndpointOfOneTenantDoesNotHoldBackAnothersWebhooks() throws Exception {
        try (var slow = new Receiver(body -> {
                 try {
                     Thread.sleep(4_000);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 return 200;
             });
             var fast = new Receiver(() -> 200);
             var h = TestHerald.start(data, Map.of("webhooks.allow_private", "true"))) {
            var admin = h.admin();
            var passwords = new java.util.HashMap<String, String>();
            for (var t : List.of("slowco", "fastco")) {
                admin.createTenant(t);
                admin.addDomain(t, t + ".example");
                passwords.put(t, admin.createMailbox("agent@" + t + ".example").get("credentials").get("password").asText());
            }
            expect(201, admin.post("/v1/webhooks", Map.of("tenant", "slowco", "url", slow.url(), "events", "login")));
            expect(201, admin.post("/v1/webhooks", Map.of("tenant", "fastco", "url", fast.url(), "events", "login")));
            for (int i = 0; i < 3; i++) { // three logins of the slow tenant first: 12 s of its endpoint's time
                login(h, "agent@slowco.example", passwords.get("slowco"));
            }
            long start = System.nanoTime();
            login(h, "agent@fastco.example", passwords.get("fastco"));
            await().atMost(Duration.ofSeconds(3)).until(() -> fast.requests.size() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not behind the other tenant's hanging endpoint")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(slow.requests.size()).isLessThan(3);
        }
    }

    private static void login(TestHerald h, String user, String password) throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain(user, password)).startsWith("235");
        }
    }

    @Test
    void endpointsOnLoopbackOrPrivateAddressesAreRefusedByDefault() {
        try (var h = TestHerald.start(data)) {
            var admin = h.admin();
            admin.createTenant("acme");
            for (var url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.0.9/x",
                    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://100.64.0.1/hook")) {
                var r = admin.post("/v1/webhooks", Map.of("tenant", "acme", "url", url));
                assertThat(r.status()).as(url).isEqualTo(400);
                assertThat(r.message()).as(url).contains("loopback or private address");
            }
            assertThat(admin.post("/v1/webhooks", Map.of("tenant", "acme", "url", "ftp://files.example/x")).message())
                    .contains("http:// or https://");
            assertThat(admin.post("/v1/webhooks", Map.of("tenant", "acme", "url", "http://93.184.215.14/x", "events", "nonsense")).message())
                    .contains("unknown event kind 'nonsense'");
        }
    }

    private static JsonNode webhook(TestApi admin) {
        return expect(200, admin.get("/v1/webhooks?tenant=acme")).get("webhooks").get(0);
    }

    private static void send(TestHerald h, String from, String password, String to, String messageId) throws Exception {
        try (var s = SmtpScript.implicitTls(h.smtpPort(Listener.SUBMISSIONS))) {
            s.hello();
            assertThat(s.authPlain(from, password)).startsWith("235");
            s.send("MAIL FROM:<" + from + "> SMTPUTF8");
            assertThat(s.send("RCPT TO:<" + to + ">")).startsWith("250");
            s.send("DATA");
            assertThat(s.send("From: " + from + "\r\nMessage-ID: " + messageId + "\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from agent\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nhello there\r\n.")).startsWith("250");
        }
    }

    private static String hmac(String secret, String message) throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
