package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.http.Views;
import dev.herald.server.provisioning.DomainService;
import java.util.Map;

/** /v1/domains: add (with DKIM keys and the records to publish), list, show, dns, verify, rotate-dkim, delete. */
public final class DomainRoutes {
    private DomainRoutes() {
    }

    public static void register(Router router, DomainService domains) {
        router.add("POST", "/v1/domains", req -> {
            var body = req.body().allowOnly("name", "tenant");
            return ApiResponse.created(Views.domain(domains.add(req.caller(), body.optString("tenant"), body.string("name"))));
        });
        router.add("GET", "/v1/domains", req -> ApiResponse.ok(Map.of("domains",
                domains.list(req.caller(), req.query("tenant")).stream().map(Views::domain).toList())));
        router.add("GET", "/v1/domains/{domain}", req -> ApiResponse.ok(Views.domain(domains.show(req.caller(), req.param("domain")))));
        router.add("GET", "/v1/domains/{domain}/dns", req -> ApiResponse.ok(Views.dns(domains.show(req.caller(), req.param("domain")))));
        router.add("POST", "/v1/domains/{domain}/verify", req ->
                ApiResponse.ok(Views.verification(domains.verify(req.caller(), req.param("domain")))));
        router.add("POST", "/v1/domains/{domain}/pause", req -> ApiResponse.ok(Views.domain(
                domains.setStatus(req.caller(), req.param("domain"), dev.herald.storage.model.Status.PAUSED))));
        router.add("POST", "/v1/domains/{domain}/resume", req -> ApiResponse.ok(Views.domain(
                domains.setStatus(req.caller(), req.param("domain"), dev.herald.storage.model.Status.ACTIVE))));
        router.add("POST", "/v1/domains/{domain}/rotate-dkim", req -> {
            boolean regenerate = req.body().allowOnly("regenerate").bool("regenerate");
            return ApiResponse.ok(Views.domain(domains.rotateDkim(req.caller(), req.param("domain"), regenerate)));
        });
        router.add("DELETE", "/v1/domains/{domain}", req -> {
            domains.delete(req.caller(), req.param("domain"), req.flag("force"));
            return ApiResponse.noContent();
        });
    }
}
