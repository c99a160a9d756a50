package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.policy.Breakers;
import dev.herald.server.provisioning.Lookups;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** GET /v1/breakers?tenant=: the circuit-breaker state changes of a tenant's mailboxes, domains and the tenant itself. */
public final class BreakerRoutes {
    private BreakerRoutes() {
    }

    public static void register(Router router, Breakers breakers, Lookups lookups) {
        router.add("GET", "/v1/breakers", req -> {
            var tenant = lookups.tenantOrOwn(req.caller(), req.query("tenant"), "reading circuit breakers");
            return ApiResponse.ok(Map.of("tenant", tenant.name(), "transitions", breakers.transitions(tenant.id()).stream().map(t -> {
                var v = new LinkedHashMap<String, Object>();
                v.put("scope", t.scope());
                v.put("sender", t.sender());
                v.put("state", t.state().name().toLowerCase(Locale.ROOT));
                v.put("at", t.at().toString());
                v.put("sends", t.sends());
                v.put("bounces", t.bounces());
                v.put("bounce_rate", t.bounceRate());
                v.put("complaints", t.complaints());
                return v;
            }).toList()));
        });
    }
}
