package dev.herald.server.http.routes;

import dev.herald.server.events.Webhooks;
import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.ProvisioningException;
import dev.herald.storage.model.Webhook;
import java.util.LinkedHashMap;
import java.util.Map;

/** /v1/webhooks: create (the secret is shown once), list, test, resume, delete. */
public final class WebhookRoutes {
    private WebhookRoutes() {
    }

    public static void register(Router router, Webhooks webhooks) {
        router.add("POST", "/v1/webhooks", req -> {
            var body = req.body().allowOnly("tenant", "mailbox", "url", "events");
            var w = webhooks.create(req.caller(), body.optString("tenant"), body.optString("mailbox"), body.string("url"),
                    body.optString("events"));
            var v = view(webhooks, w);
            v.put("secret", w.secret());
            return ApiResponse.created(v);
        });
        router.add("GET", "/v1/webhooks", req -> ApiResponse.ok(Map.of("webhooks",
                webhooks.list(req.caller(), req.query("tenant")).stream().map(w -> view(webhooks, w)).toList())));
        router.add("POST", "/v1/webhooks/{id}/test", req -> {
            var a = webhooks.test(req.caller(), id(req.param("id")));
            var v = new LinkedHashMap<String, Object>();
            v.put("ok", a.ok());
            v.put("status", a.status());
            v.put("answer", a.summary());
            return ApiResponse.ok(v);
        });
        router.add("POST", "/v1/webhooks/{id}/resume", req -> ApiResponse.ok(view(webhooks, webhooks.resume(req.caller(), id(req.param("id"))))));
        router.add("DELETE", "/v1/webhooks/{id}", req -> {
            webhooks.delete(req.caller(), id(req.param("id")));
            return ApiResponse.noContent();
        });
    }

    private static long id(String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ProvisioningException.notFound("webhook " + raw + " not found");
        }
    }

    private static LinkedHashMap<String, Object> view(Webhooks webhooks, Webhook w) {
        var v = new LinkedHashMap<String, Object>();
        v.put("id", w.id());
        v.put("url", w.url());
        v.put("events", w.events());
        v.put("status", w.status());
        v.put("failures_in_a_row", w.failures());
        v.put("last_error", w.lastError().orElse(null));
        v.put("delivered", webhooks.deliveries(w, "delivered"));
        v.put("pending", webhooks.deliveries(w, "pending"));
        v.put("failed", webhooks.deliveries(w, "failed"));
        v.put("created_at", w.createdAt().toString());
        return v;
    }
}
