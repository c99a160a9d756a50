package dev.herald.storage;

import dev.herald.storage.model.Status;
import dev.herald.storage.model.Tenant;
import dev.herald.storage.model.TenantCounts;
import java.util.List;
import java.util.Optional;

public interface TenantStore {
    /** Creates the tenant and its {@code default} workspace. @throws DuplicateException when the name is taken */
    Tenant create(String name);

    Optional<Tenant> byName(String name);

    Optional<Tenant> byId(long id);

    List<Tenant> list();

    TenantCounts counts(long tenantId);

    boolean setStatus(long tenantId, Status status);

    /** Deletes the tenant with everything it owns: workspaces, domains, keys, mailboxes, policies. */
    boolean delete(long tenantId);
}
