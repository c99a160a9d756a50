package dev.herald.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The HTTP API as a test sees it: real requests with a bearer key, JSON answers. */
public final class TestApi {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public record Response(int status, JsonNode json, String raw) {
        public String message() {
            return json.path("error").path("message").asText();
        }

        public String field(String name) {
            return json.path(name).asText();
        }
    }

    private final String url;
    private final String key;

    public TestApi(String url, String key) {
        this.url = url;
        this.key = key;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    /** Sends a raw body as given, e.g. malformed JSON. */
    public Response sendRaw(String method, String path, String body) {
        return exchange(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + key)
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response send(String method, String path, Object body) {
        try {
            var builder = HttpRequest.newBuilder(URI.create(url + path));
            if (key != null) {
                builder.header("Authorization", "Bearer " + key);
            }
            builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            return exchange(builder);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response exchange(HttpRequest.Builder builder) {
        try {
            var resp = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            var raw = resp.body();
            boolean json = resp.headers().firstValue("content-type").orElse("").startsWith("application/json");
            return new Response(resp.statusCode(), raw.isEmpty() || !json ? JSON.createObjectNode() : JSON.readTree(raw), raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // Convenience for setting up fixtures; each asserts the creation succeeded.

    /**
     * Lifts the server-wide send limits (by default a mailbox may send 100 remote recipients an
     * hour, 50 a minute go to one recipient domain, and a new domain sends 50 on its first day),
     * for tests that push thousands of messages through one mailbox of a new domain.
     */
    public void liftSendLimits() {
        expect(200, patch("/v1/policy", java.util.Map.of("mailbox.hourly_limit", "unlimited", "mailbox.daily_limit", "unlimited",
                "tenant.daily_limit", "unlimited", "tenant.monthly_limit", "unlimited", "run.limit", "unlimited",
                "recipient_domain.per_minute", "unlimited", "warmup.enabled", "false")));
    }

    public JsonNode createTenant(String name) {
        return expect(201, post("/v1/tenants", Map.of("name", name)));
    }

    public JsonNode addDomain(String tenant, String domain) {
        return expect(201, post("/v1/domains", Map.of("tenant", tenant, "name", domain)));
    }

    public JsonNode createMailbox(String address) {
        return expect(201, post("/v1/mailboxes", Map.of("address", address)));
    }

    public String createKey(Map<String, String> body) {
        return expect(201, post("/v1/keys", body)).get("key").asText();
    }

    public static JsonNode expect(int status, Response r) {
        if (r.status() != status) {
            throw new AssertionError("expected HTTP " + status + ", got " + r.status() + ": " + r.raw());
        }
        return r.json();
    }
}
