package dev.herald.storage;

import dev.herald.storage.model.Workspace;
import java.util.List;
import java.util.Optional;

public interface WorkspaceStore {
    /** @throws DuplicateException when the tenant already has a workspace of that name */
    Workspace create(long tenantId, String name);

    Optional<Workspace> byName(long tenantId, String name);

    Optional<Workspace> byId(long id);

    List<Workspace> list(long tenantId);

    long mailboxCount(long workspaceId);
}
