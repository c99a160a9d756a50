package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.http.Views;
import dev.herald.server.provisioning.PolicyService;
import dev.herald.server.provisioning.PolicyService.Where;
import dev.herald.server.provisioning.WorkspaceService;
import java.util.Map;
import java.util.Optional;

/**
 * /v1/tenants/{tenant}/workspaces: create, list, show; PATCH sets the workspace's policy, which
 * every mailbox in it inherits at once.
 */
public final class WorkspaceRoutes {
    private WorkspaceRoutes() {
    }

    public static void register(Router router, WorkspaceService workspaces, PolicyService policies) {
        router.add("POST", "/v1/tenants/{tenant}/workspaces", req -> {
            var name = req.body().allowOnly("name").string("name");
            return ApiResponse.created(Views.workspace(workspaces.create(req.caller(), req.param("tenant"), name)));
        });
        router.add("GET", "/v1/tenants/{tenant}/workspaces", req -> ApiResponse.ok(Map.of("workspaces",
                workspaces.list(req.caller(), req.param("tenant")).stream().map(Views::workspace).toList())));
        router.add("GET", "/v1/tenants/{tenant}/workspaces/{workspace}", req -> {
            var detail = workspaces.show(req.caller(), req.param("tenant"), req.param("workspace"));
            var view = Views.workspace(detail);
            view.put("policy", Views.policy(policies.show(req.caller(), where(req.param("tenant"), req.param("workspace")))));
            return ApiResponse.ok(view);
        });
        router.add("PATCH", "/v1/tenants/{tenant}/workspaces/{workspace}", req -> {
            var detail = workspaces.show(req.caller(), req.param("tenant"), req.param("workspace"));
            var policy = policies.set(req.caller(), where(req.param("tenant"), req.param("workspace")), req.body().asPolicyChanges());
            var view = Views.workspace(detail);
            view.put("policy", Views.policy(policy));
            return ApiResponse.ok(view);
        });
    }

    private static Where where(String tenant, String workspace) {
        return new Where(Optional.of(tenant), Optional.of(workspace), Optional.empty());
    }
}
