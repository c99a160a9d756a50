package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.Lookups;
import dev.herald.storage.Stores;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GET /v1/queue?tenant=: the remote recipients waiting in a tenant's queue. Read-only for now;
 * retry, purge and delivery come with the outbound issue.
 */
public final class QueueRoutes {
    private QueueRoutes() {
    }

    public static void register(Router router, Lookups lookups, Stores stores) {
        router.add("GET", "/v1/queue", req -> {
            req.caller().requireTenantOrAdmin("reading the queue");
            var tenant = lookups.tenantOrOwn(req.caller(), req.query("tenant"), "reading the queue");
            var entries = stores.mail().queue(tenant.id()).stream().map(e -> {
                var v = new LinkedHashMap<String, Object>();
                v.put("queue_id", e.source());
                v.put("sender", e.sender());
                v.put("recipient", e.recipient());
                v.put("state", e.state());
                v.put("size", e.blob().length());
                v.put("due_at", e.dueAt().toString());
                v.put("attempts", e.attempts());
                v.put("dsn_notify", e.dsnNotify().orElse(null));
                return v;
            }).toList();
            return ApiResponse.ok(Map.of("tenant", tenant.name(), "entries", entries));
        });
    }
}
