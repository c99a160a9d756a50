package dev.herald.server.provisioning;

import dev.herald.storage.Stores;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.Mailbox;
import dev.herald.storage.model.Tenant;
import dev.herald.storage.model.Workspace;
import java.time.Clock;
import java.util.Optional;

/**
 * Finds things by name on behalf of a caller. Something of another tenant is reported exactly as
 * something that does not exist, so a tenant key cannot even learn what other tenants have.
 */
public final class Lookups {
    private final Stores stores;
    private final Clock clock;

    public Lookups(Stores stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
    }

    public Tenant tenant(Caller caller, String name) {
        var key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return stores.tenants().byName(key)
                .filter(t -> caller.manages(t.id()))
                .orElseThrow(() -> ProvisioningException.notFound("tenant '" + name + "' not found"));
    }

    /**
     * The tenant a request is about: the one named, or, for a tenant key that names none, its own.
     * An admin must name one.
     */
    public Tenant tenantOrOwn(Caller caller, Optional<String> name, String what) {
        if (name.isPresent()) {
            return tenant(caller, name.get());
        }
        if (caller.isAdmin()) {
            throw ProvisioningException.invalid(what + " needs a tenant (an admin key belongs to none)");
        }
        caller.requireTenantOrAdmin(what);
        return stores.tenants().byId(caller.tenantId().orElseThrow()).orElseThrow(
                () -> ProvisioningException.notFound("the tenant of this key no longer exists"));
    }

    public Workspace workspace(Tenant tenant, String name) {
        return stores.workspaces().byName(tenant.id(), name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT))
                .orElseThrow(() -> ProvisioningException.notFound("workspace '" + name + "' not found in tenant " + tenant.name()));
    }

    public Domain domain(Caller caller, String name) {
        String normalized;
        try {
            normalized = Names.domain(name);
        } catch (ProvisioningException e) {
            throw ProvisioningException.notFound("domain '" + name + "' not found");
        }
        return stores.domains().byName(normalized)
                .filter(d -> caller.manages(d.tenantId()))
                .orElseThrow(() -> ProvisioningException.notFound("domain '" + name + "' not found"));
    }

    /** A live (not expired) mailbox the caller manages, or that is the caller's own. */
    public Mailbox mailbox(Caller caller, String address) {
        String normalized;
        try {
            normalized = Names.address(address);
        } catch (ProvisioningException e) {
            throw ProvisioningException.notFound("mailbox '" + address + "' not found");
        }
        return stores.mailboxes().byAddress(normalized)
                .filter(m -> !m.expiredAt(clock.instant()))
                .filter(m -> caller.manages(m.tenantId()) || caller.mailboxId().orElse(-1L) == m.id())
                .orElseThrow(() -> ProvisioningException.notFound("mailbox '" + address + "' not found"));
    }
}
