package dev.herald.server.http.routes;

import dev.herald.server.http.ApiResponse;
import dev.herald.server.http.Router;
import dev.herald.server.http.Views;
import dev.herald.server.provisioning.ApiKeyService;
import dev.herald.server.provisioning.ApiKeyService.NewKeyRequest;
import dev.herald.storage.Stores;
import dev.herald.storage.model.ApiKey;
import dev.herald.storage.model.Mailbox;
import dev.herald.storage.model.Tenant;
import java.util.Map;

/** /v1/keys: create (the secret is in the response, once), list, revoke. */
public final class KeyRoutes {
    private KeyRoutes() {
    }

    public static void register(Router router, ApiKeyService keys, Stores stores) {
        router.add("POST", "/v1/keys", req -> {
            var b = req.body().allowOnly("scope", "tenant", "mailbox", "name");
            var created = keys.create(req.caller(), new NewKeyRequest(b.string("scope"), b.optString("tenant"),
                    b.optString("mailbox"), b.optString("name")));
            var view = view(created.key(), keys, stores);
            view.put("key", created.secret());
            return ApiResponse.created(view);
        });
        router.add("GET", "/v1/keys", req -> ApiResponse.ok(Map.of("keys",
                keys.list(req.caller(), req.query("tenant")).stream().map(k -> view(k, keys, stores)).toList())));
        router.add("DELETE", "/v1/keys/{id}", req -> ApiResponse.ok(view(keys.revoke(req.caller(), req.param("id")), keys, stores)));
    }

    private static Map<String, Object> view(ApiKey key, ApiKeyService keys, Stores stores) {
        var tenant = keys.ownerTenant(key).flatMap(id -> stores.tenants().byId(id)).map(Tenant::name).orElse(null);
        var mailbox = key.mailboxId().flatMap(id -> stores.mailboxes().byId(id)).map(Mailbox::address).orElse(null);
        return Views.key(key, tenant, mailbox);
    }
}
