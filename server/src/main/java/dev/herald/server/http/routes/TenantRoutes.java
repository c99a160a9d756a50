package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.http.Views;
import dev.herald.server.provisioning.TenantService;
import java.util.Map;

/** /v1/tenants: create (admin), list, show, delete (admin). */
public final class TenantRoutes {
    private TenantRoutes() {
    }

    public static void register(Router router, TenantService tenants) {
        router.add("POST", "/v1/tenants", req -> {
            var name = req.body().allowOnly("name").string("name");
            var tenant = tenants.create(req.caller(), name);
            return ApiResponse.created(Views.tenant(tenants.show(req.caller(), tenant.name())));
        });
        router.add("GET", "/v1/tenants", req -> ApiResponse.ok(Map.of("tenants",
                tenants.list(req.caller()).stream().map(Views::tenant).toList())));
        router.add("GET", "/v1/tenants/{tenant}", req -> ApiResponse.ok(Views.tenant(tenants.show(req.caller(), req.param("tenant")))));
        router.add("POST", "/v1/tenants/{tenant}/pause", req -> ApiResponse.ok(Views.tenant(
                tenants.setStatus(req.caller(), req.param("tenant"), dev.herald.storage.model.Status.PAUSED))));
        router.add("POST", "/v1/tenants/{tenant}/resume", req -> ApiResponse.ok(Views.tenant(
                tenants.setStatus(req.caller(), req.param("tenant"), dev.herald.storage.model.Status.ACTIVE))));
        router.add("DELETE", "/v1/tenants/{tenant}", req -> {
            tenants.delete(req.caller(), req.param("tenant"), req.flag("force"));
            return ApiResponse.noContent();
        });
    }
}
