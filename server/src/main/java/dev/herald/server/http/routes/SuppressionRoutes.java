package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.provisioning.SuppressionService;
import java.util.LinkedHashMap;
import java.util.Map;

/** /v1/suppressions?tenant=: POST {address, reason?, detail?}, GET (limit), DELETE /v1/suppressions/{address}. */
public final class SuppressionRoutes {
    private SuppressionRoutes() {
    }

    public static void register(Router router, SuppressionService suppressions) {
        router.add("POST", "/v1/suppressions", req -> {
            var b = req.body().allowOnly("tenant", "address", "reason", "detail");
            var tenant = b.optString("tenant").or(() -> req.query("tenant"));
            return ApiResponse.created(view(suppressions.add(req.caller(), tenant, b.string("address"), b.optString("reason"), b.optString("detail"))));
        });
        router.add("GET", "/v1/suppressions", req -> ApiResponse.ok(Map.of("suppressions",
                suppressions.list(req.caller(), req.query("tenant"), req.intQuery("limit", 1000)).stream().map(SuppressionRoutes::view).toList())));
        router.add("DELETE", "/v1/suppressions/{address}", req -> {
            suppressions.remove(req.caller(), req.query("tenant"), req.param("address"));
            return ApiResponse.ok(Map.of("removed", req.param("address")));
        });
    }

    private static Map<String, Object> view(SuppressionService.Listed l) {
        var v = new LinkedHashMap<String, Object>();
        v.put("tenant", l.tenant().name());
        v.put("address", l.suppression().address());
        v.put("reason", l.suppression().reason());
        v.put("detail", l.suppression().detail().orElse(null));
        v.put("created_at", l.suppression().createdAt().toString());
        return v;
    }
}
