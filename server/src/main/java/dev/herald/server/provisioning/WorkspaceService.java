package dev.herald.server.provisioning;

import dev.herald.storage.DuplicateException;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Tenant;
import dev.herald.storage.model.Workspace;
import java.util.List;

public final class WorkspaceService {
    public record WorkspaceDetail(Tenant tenant, Workspace workspace, long mailboxes) {
    }

    private final Stores stores;
    private final Lookups lookups;

    public WorkspaceService(Stores stores, Lookups lookups) {
        this.stores = stores;
        this.lookups = lookups;
    }

    public WorkspaceDetail create(Caller caller, String tenantName, String rawName) {
        caller.requireTenantOrAdmin("creating a workspace");
        var tenant = lookups.tenant(caller, tenantName);
        var name = Names.slug("workspace", rawName);
        try {
            return new WorkspaceDetail(tenant, stores.workspaces().create(tenant.id(), name), 0);
        } catch (DuplicateException e) {
            throw ProvisioningException.conflict("workspace '" + name + "' already exists in tenant " + tenant.name());
        }
    }

    public List<WorkspaceDetail> list(Caller caller, String tenantName) {
        var tenant = lookups.tenant(caller, tenantName);
        return stores.workspaces().list(tenant.id()).stream()
                .map(w -> new WorkspaceDetail(tenant, w, stores.workspaces().mailboxCount(w.id())))
                .toList();
    }

    public WorkspaceDetail show(Caller caller, String tenantName, String name) {
        var tenant = lookups.tenant(caller, tenantName);
        var workspace = lookups.workspace(tenant, name);
        return new WorkspaceDetail(tenant, workspace, stores.workspaces().mailboxCount(workspace.id()));
    }
}
