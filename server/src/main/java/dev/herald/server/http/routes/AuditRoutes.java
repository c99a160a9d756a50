package dev.herald.server.http.routes;

import dev.herald.server.events.AuditLog;
import dev.herald.server.events.EventLog;
import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.Lookups;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GET /v1/audit?tenant=&after=&limit=: the audit log (an admin: all of it or one tenant's; a
 * tenant key: its own entries); GET /v1/audit/verify: walk the hash chain (admin).
 */
public final class AuditRoutes {
    private AuditRoutes() {
    }

    public static void register(Router router, AuditLog audit, EventLog events, Lookups lookups) {
        router.add("GET", "/v1/audit", req -> {
            req.caller().requireTenantOrAdmin("reading the audit log");
            Optional<Long> tenant = req.query("tenant").isPresent() || !req.caller().isAdmin()
                    ? Optional.of(lookups.tenantOrOwn(req.caller(), req.query("tenant"), "reading the audit log").id())
                    : Optional.empty();
            events.flush();
            long after = req.longQuery("after", 0L);
            int limit = Math.max(1, Math.min(10_000, req.intQuery("limit", 1_000)));
            return ApiResponse.ok(Map.of("entries", audit.list(tenant, after, limit).stream().map(e -> {
                var m = new LinkedHashMap<String, Object>();
                m.put("id", e.id());
                m.put("at", e.at().toString());
                m.put("actor", e.actor());
                m.put("action", e.action());
                m.put("detail", e.detail());
                m.put("event_id", e.eventId());
                m.put("hash", e.hash());
                return m;
            }).toList()));
        });
        router.add("GET", "/v1/audit/verify", req -> {
            req.caller().requireAdmin("verifying the audit log");
            events.flush();
            var v = audit.verify();
            var m = new LinkedHashMap<String, Object>();
            m.put("ok", v.ok());
            m.put("entries_verified", v.entries());
            m.put("broken_at", v.brokenAt().orElse(null));
            m.put("reason", v.reason().orElse(null));
            return ApiResponse.ok(m);
        });
    }
}
