package dev.herald.storage.h2;

import dev.herald.storage.WorkspaceStore;
import dev.herald.storage.model.Workspace;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class H2WorkspaceStore implements WorkspaceStore {
    private final Jdbc jdbc;

    public H2WorkspaceStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Workspace create(long tenantId, String name) {
        var now = Jdbc.now();
        long id = jdbc.insert("INSERT INTO workspaces(tenant_id, name, created_at) VALUES (?, ?, ?)", tenantId, name, now);
        return new Workspace(id, tenantId, name, now);
    }

    @Override
    public Optional<Workspace> byName(long tenantId, String name) {
        return jdbc.queryOne("SELECT * FROM workspaces WHERE tenant_id = ? AND name = ?", H2WorkspaceStore::map, tenantId, name);
    }

    @Override
    public Optional<Workspace> byId(long id) {
        return jdbc.queryOne("SELECT * FROM workspaces WHERE id = ?", H2WorkspaceStore::map, id);
    }

    @Override
    public List<Workspace> list(long tenantId) {
        return jdbc.query("SELECT * FROM workspaces WHERE tenant_id = ? ORDER BY name", H2WorkspaceStore::map, tenantId);
    }

    @Override
    public long mailboxCount(long workspaceId) {
        return jdbc.count("SELECT COUNT(*) FROM mailboxes WHERE workspace_id = ?", workspaceId);
    }

    private static Workspace map(ResultSet rs) throws SQLException {
        return new Workspace(rs.getLong("id"), rs.getLong("tenant_id"), rs.getString("name"), Jdbc.instant(rs, "created_at"));
    }
}
