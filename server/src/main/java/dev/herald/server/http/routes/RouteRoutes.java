package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.RouteService;
import dev.herald.server.provisioning.RouteService.RouteRequest;
import dev.herald.storage.model.OutboundRoute;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /v1/routes: POST sets the route of a scope (a domain, a tenant, or with neither the server),
 * replacing the one it had; GET lists them (never the relay password); DELETE removes one.
 */
public final class RouteRoutes {
    private RouteRoutes() {
    }

    public static void register(Router router, RouteService routes) {
        router.add("POST", "/v1/routes", req -> {
            var b = req.body().allowOnly("tenant", "domain", "relay", "tls", "verify_certificate", "username", "password", "source_address");
            var route = routes.set(req.caller(), new RouteRequest(b.optString("tenant"), b.optString("domain"), b.optString("relay"),
                    b.optString("tls"), b.optBool("verify_certificate"), b.optString("username"), b.optString("password"),
                    b.optString("source_address")));
            return ApiResponse.created(view(route, routes));
        });
        router.add("GET", "/v1/routes", req -> ApiResponse.ok(Map.of("routes",
                routes.list(req.caller(), req.query("tenant")).stream().map(r -> view(r, routes)).toList())));
        router.add("DELETE", "/v1/routes/{id}", req -> ApiResponse.ok(view(routes.delete(req.caller(), req.param("id")), routes)));
    }

    private static Map<String, Object> view(OutboundRoute r, RouteService routes) {
        var v = new LinkedHashMap<String, Object>();
        v.put("id", String.valueOf(r.id()));
        v.put("scope", r.domainId().isPresent() ? "domain" : r.tenantId().isPresent() ? "tenant" : "server");
        v.put("tenant", routes.tenantName(r).orElse(null));
        v.put("domain", routes.domainName(r).orElse(null));
        v.put("relay", r.relayHost().map(h -> (h.contains(":") ? "[" + h + "]" : h) + ":" + r.relayPort()).orElse(null));
        v.put("tls", r.relayHost().isPresent() ? r.relayTls() : null);
        v.put("verify_certificate", r.relayHost().isPresent() ? r.relayVerify() : null);
        v.put("username", r.relayUser().orElse(null));
        v.put("password_set", r.relayPassword().isPresent());
        v.put("source_address", r.sourceAddress().orElse(null));
        v.put("created_at", r.createdAt().toString());
        return v;
    }
}
