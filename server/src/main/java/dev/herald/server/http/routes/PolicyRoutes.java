package dev.herald.server.http.routes;

import dev.herald.policy.PolicyCatalog;
import dev.herald.server.http.ApiRequest;
import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.http.Views;
import dev.herald.server.provisioning.PolicyService;
import dev.herald.server.provisioning.PolicyService.Where;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /v1/policy?tenant=&workspace=&mailbox=: the level is the most specific thing named (none: the
 * server). GET shows own and effective values; PATCH sets ({"name": value}) or unsets ({"name": null}).
 * /v1/policy/settings lists the catalogue.
 */
public final class PolicyRoutes {
    private PolicyRoutes() {
    }

    public static void register(Router router, PolicyService policies) {
        router.add("GET", "/v1/policy", req -> ApiResponse.ok(Views.policy(policies.show(req.caller(), where(req)))));
        router.add("PATCH", "/v1/policy", req ->
                ApiResponse.ok(Views.policy(policies.set(req.caller(), where(req), req.body().asPolicyChanges()))));
        router.add("GET", "/v1/policy/settings", req -> ApiResponse.ok(Map.of("settings", PolicyCatalog.all().stream().map(s -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("name", s.name());
            m.put("type", s.kind().wire());
            m.put("default", s.defaultValue());
            m.put("levels", s.levels().stream().sorted().map(l -> l.wire()).toList());
            if (!s.choices().isEmpty()) {
                m.put("choices", s.choices());
            }
            m.put("description", s.description());
            return m;
        }).toList())));
    }

    private static Where where(ApiRequest req) {
        return new Where(req.query("tenant"), req.query("workspace"), req.query("mailbox"));
    }
}
