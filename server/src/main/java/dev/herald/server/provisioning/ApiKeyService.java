package dev.herald.server.provisioning;

import dev.herald.storage.DuplicateException;
import dev.herald.storage.Secrets;
import dev.herald.storage.Stores;
import dev.herald.storage.model.ApiKey;
import dev.herald.storage.model.NewApiKey;
import dev.herald.storage.model.Scope;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class ApiKeyService {
    /** The key id is the secret's first characters: enough to tell keys apart, useless to an attacker. */
    static final int KEY_ID_LENGTH = Secrets.API_KEY_PREFIX.length() + 8;

    public record NewKeyRequest(String scope, Optional<String> tenant, Optional<String> mailbox, Optional<String> name) {
    }

    /** A created key and its secret, shown this once. */
    public record Created(ApiKey key, String secret) {
    }

    private final Stores stores;
    private final Lookups lookups;
    private final Clock clock;

    public ApiKeyService(Stores stores, Lookups lookups, Clock clock) {
        this.stores = stores;
        this.lookups = lookups;
        this.clock = clock;
    }

    /** Who presents this bearer token. @throws ProvisioningException UNAUTHORIZED for an unknown or revoked key */
    public Caller authenticate(String token) {
        var key = stores.apiKeys().byTokenHash(Secrets.sha256Hex(token))
                .orElseThrow(() -> new ProvisioningException(Problem.UNAUTHORIZED, "invalid API key"));
        if (key.revoked()) {
            throw new ProvisioningException(Problem.UNAUTHORIZED, "API key " + key.keyId() + " has been revoked");
        }
        var tenantId = key.tenantId();
        if (key.scope() == Scope.MAILBOX) {
            var mailbox = stores.mailboxes().byId(key.mailboxId().orElseThrow())
                    .filter(m -> !m.expiredAt(clock.instant()))
                    .orElseThrow(() -> new ProvisioningException(Problem.UNAUTHORIZED, "the mailbox of this API key no longer exists"));
            tenantId = Optional.of(mailbox.tenantId());
        }
        return new Caller(key.scope(), tenantId, key.mailboxId(), key.keyId());
    }

    public Created create(Caller caller, NewKeyRequest req) {
        caller.requireTenantOrAdmin("creating an API key");
        var scope = parseScope(req.scope());
        var name = req.name().map(String::trim).filter(s -> !s.isEmpty());
        if (name.isPresent() && name.get().length() > 200) {
            throw ProvisioningException.invalid("key name is longer than 200 characters");
        }
        return switch (scope) {
            case ADMIN -> {
                caller.requireAdmin("creating an admin key");
                yield insert(scope, Optional.empty(), Optional.empty(), name);
            }
            case TENANT -> {
                var tenant = lookups.tenantOrOwn(caller, req.tenant(), "a tenant key");
                yield insert(scope, Optional.of(tenant.id()), Optional.empty(), name);
            }
            case MAILBOX -> {
                var address = req.mailbox().orElseThrow(() -> ProvisioningException.invalid("a mailbox key needs a mailbox address"));
                var mailbox = lookups.mailbox(caller, address);
                yield insert(scope, Optional.empty(), Optional.of(mailbox.id()), name);
            }
        };
    }

    private Created insert(Scope scope, Optional<Long> tenantId, Optional<Long> mailboxId, Optional<String> name) {
        for (int attempt = 0; ; attempt++) {
            var secret = Secrets.newApiKey();
            try {
                var key = stores.apiKeys().create(new NewApiKey(secret.substring(0, KEY_ID_LENGTH), Secrets.sha256Hex(secret),
                        name.orElse(null), scope, tenantId, mailboxId));
                return new Created(key, secret);
            } catch (DuplicateException e) {
                if (attempt == 3) {
                    throw e; // four 48-bit id collisions in a row is not chance
                }
            }
        }
    }

    private static Scope parseScope(String raw) {
        try {
            return Scope.valueOf(raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.invalid("bad scope '" + raw + "': expected admin, tenant or mailbox");
        }
    }

    public List<ApiKey> list(Caller caller, Optional<String> tenant) {
        caller.requireTenantOrAdmin("listing API keys");
        if (tenant.isEmpty() && caller.isAdmin()) {
            return stores.apiKeys().list(Optional.empty());
        }
        return stores.apiKeys().list(Optional.of(lookups.tenantOrOwn(caller, tenant, "listing API keys").id()));
    }

    public ApiKey revoke(Caller caller, String keyId) {
        caller.requireTenantOrAdmin("revoking an API key");
        var key = stores.apiKeys().byKeyId(keyId == null ? "" : keyId.trim())
                .filter(k -> caller.isAdmin() || ownerTenant(k).map(caller::manages).orElse(false))
                .orElseThrow(() -> ProvisioningException.notFound("API key '" + keyId + "' not found"));
        if (key.revoked()) {
            throw ProvisioningException.conflict("API key '" + key.keyId() + "' is already revoked");
        }
        stores.apiKeys().revoke(key.keyId(), clock.instant());
        return stores.apiKeys().byKeyId(key.keyId()).orElseThrow();
    }

    /** The tenant a key belongs to: its own tenant, or its mailbox's. */
    public Optional<Long> ownerTenant(ApiKey key) {
        if (key.tenantId().isPresent()) {
            return key.tenantId();
        }
        return key.mailboxId().flatMap(id -> stores.mailboxes().byId(id)).map(m -> m.tenantId());
    }
}
