package dev.herald.server.provisioning;

import dev.herald.storage.DuplicateException;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Tenant;
import dev.herald.storage.model.TenantCounts;
import java.util.List;

public final class TenantService {
    public record TenantDetail(Tenant tenant, TenantCounts counts, List<String> workspaces) {
    }

    private final Stores stores;
    private final Lookups lookups;

    private final dev.herald.server.policy.Breakers breakers;

    public TenantService(Stores stores, Lookups lookups, dev.herald.server.policy.Breakers breakers) {
        this.breakers = breakers;
        this.stores = stores;
        this.lookups = lookups;
    }

    public Tenant create(Caller caller, String rawName) {
        caller.requireAdmin("creating a tenant");
        var name = Names.slug("tenant", rawName);
        try {
            return stores.tenants().create(name);
        } catch (DuplicateException e) {
            throw ProvisioningException.conflict("tenant '" + name + "' already exists");
        }
    }

    public List<Tenant> list(Caller caller) {
        caller.requireTenantOrAdmin("listing tenants");
        return stores.tenants().list().stream().filter(t -> caller.manages(t.id())).toList();
    }

    public TenantDetail show(Caller caller, String name) {
        var tenant = lookups.tenant(caller, name);
        var workspaces = stores.workspaces().list(tenant.id()).stream().map(w -> w.name()).toList();
        return new TenantDetail(tenant, stores.tenants().counts(tenant.id()), workspaces);
    }

    /**
     * Pauses or resumes a whole tenant (admin only: a pause is the operator's, or its circuit
     * breaker's). Resuming starts the tenant's and its domains' breaker windows afresh and releases
     * the mail held while it was paused.
     */
    public Tenant setStatus(Caller caller, String name, dev.herald.storage.model.Status status) {
        caller.requireAdmin((status == dev.herald.storage.model.Status.PAUSED ? "pausing" : "resuming") + " a tenant");
        var tenant = lookups.tenant(caller, name);
        stores.tenants().setStatus(tenant.id(), status);
        if (status == dev.herald.storage.model.Status.ACTIVE) {
            breakers.resumedTenant(tenant.id());
        }
        return stores.tenants().byId(tenant.id()).orElseThrow();
    }

    /** Deletes a tenant; one that still owns domains or mailboxes only with {@code force}. */
    public void delete(Caller caller, String name, boolean force) {
        caller.requireAdmin("deleting a tenant");
        var tenant = lookups.tenant(caller, name);
        var counts = stores.tenants().counts(tenant.id());
        if (!force && (counts.domains() > 0 || counts.mailboxes() > 0)) {
            throw ProvisioningException.conflict("tenant '" + tenant.name() + "' still owns " + counts.domains()
                    + " domain(s) and " + counts.mailboxes() + " mailbox(es); delete with force (herald tenant delete --force; ?force=true over HTTP) to remove them all");
        }
        stores.tenants().delete(tenant.id());
    }
}
