package dev.herald.server.http.routes;

import dev.herald.server.http.ApiRequest;
import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.QueueService;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.mail.QueueFilter;
import dev.herald.storage.model.Tenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbound queue: GET /v1/queue (filters tenant, domain = sending domain, to_domain =
 * destination domain, state, limit), GET /v1/queue/{queue_id} with every attempt, POST
 * /v1/queue/{queue_id}/retry, DELETE /v1/queue/{queue_id} (purge), and the bulk forms POST
 * /v1/queue/retry and POST /v1/queue/purge with the same filters; held mail: POST
 * /v1/queue/{queue_id}/approve or …/reject, and /v1/queue/approve, /v1/queue/reject by filter.
 */
public final class QueueRoutes {
    private static final int DEFAULT_LIMIT = 1000;

    private QueueRoutes() {
    }

    public static void register(Router router, QueueService queue, Stores stores) {
        router.add("GET", "/v1/queue", req -> {
            var entries = queue.list(filter(req, queue, "reading the queue"));
            return ApiResponse.ok(Map.of("entries", entries.stream().map(e -> entry(e, stores)).toList()));
        });
        router.add("POST", "/v1/queue/retry", req -> {
            var entries = queue.list(filter(req, queue, "retrying queued mail"));
            return ApiResponse.ok(Map.of("retried", queue.retry(entries)));
        });
        router.add("POST", "/v1/queue/purge", req -> {
            var f = filter(req, queue, "purging queued mail");
            QueueService.requireNarrowedOrAll(f, req.flag("all"));
            return ApiResponse.ok(Map.of("purged", queue.purge(req.caller(), queue.list(f))));
        });
        router.add("POST", "/v1/queue/approve", req -> ApiResponse.ok(Map.of("approved",
                queue.approve(req.caller(), queue.list(filter(req, queue, "approving held mail"))))));
        router.add("POST", "/v1/queue/reject", req -> ApiResponse.ok(Map.of("rejected",
                queue.reject(req.caller(), queue.list(filter(req, queue, "rejecting held mail"))))));
        router.add("POST", "/v1/queue/{id}/approve", req -> ApiResponse.ok(Map.of("approved",
                queue.approve(req.caller(), queue.message(req.caller(), req.param("id"))))));
        router.add("POST", "/v1/queue/{id}/reject", req -> ApiResponse.ok(Map.of("rejected",
                queue.reject(req.caller(), queue.message(req.caller(), req.param("id"))))));
        router.add("GET", "/v1/queue/{id}", req -> ApiResponse.ok(message(queue.message(req.caller(), req.param("id")), stores)));
        router.add("POST", "/v1/queue/{id}/retry", req -> {
            var entries = queue.message(req.caller(), req.param("id"));
            return ApiResponse.ok(Map.of("queue_id", entries.get(0).source(), "retried", queue.retry(entries)));
        });
        router.add("DELETE", "/v1/queue/{id}", req -> {
            var entries = queue.message(req.caller(), req.param("id"));
            return ApiResponse.ok(Map.of("queue_id", entries.get(0).source(), "purged", queue.purge(req.caller(), entries)));
        });
    }

    private static QueueFilter filter(ApiRequest req, QueueService queue, String what) {
        return queue.filter(req.caller(), req.query("tenant"), req.query("domain"), req.query("to_domain"), req.query("state"),
                req.intQuery("limit", DEFAULT_LIMIT), what);
    }

    private static Map<String, Object> entry(QueueEntry e, Stores stores) {
        var v = new LinkedHashMap<String, Object>();
        v.put("queue_id", e.source());
        v.put("tenant", stores.tenants().byId(e.tenantId()).map(Tenant::name).orElse(null));
        v.put("sender", e.sender());
        v.put("recipient", e.recipient());
        v.put("state", e.state());
        v.put("stream", e.stream());
        v.put("size", e.blob().length());
        v.put("created_at", e.createdAt().toString());
        v.put("due_at", e.dueAt().toString());
        v.put("attempts", e.attempts());
        v.put("dsn_notify", e.dsnNotify().orElse(null));
        v.put("last_reply", e.lastReply().orElse(null));
        return v;
    }

    private static Map<String, Object> message(List<QueueEntry> entries, Stores stores) {
        var first = entries.get(0);
        var v = new LinkedHashMap<String, Object>();
        v.put("queue_id", first.source());
        v.put("tenant", stores.tenants().byId(first.tenantId()).map(Tenant::name).orElse(null));
        v.put("sender", first.sender());
        v.put("size", first.blob().length());
        v.put("created_at", first.createdAt().toString());
        v.put("recipients", entries.stream().map(e -> {
            var r = entry(e, stores);
            r.remove("queue_id");
            r.remove("tenant");
            r.remove("sender");
            r.put("events", stores.mail().attempts(e.id()).stream().map(a -> Map.of("at", a[0], "host", a[1] == null ? "" : a[1],
                    "outcome", a[2], "reply", a[3] == null ? "" : a[3])).toList());
            return r;
        }).toList());
        return v;
    }
}
