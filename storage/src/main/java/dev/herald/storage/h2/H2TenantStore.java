package dev.herald.storage.h2;

import dev.herald.storage.TenantStore;
import dev.herald.storage.model.Status;
import dev.herald.storage.model.Tenant;
import dev.herald.storage.model.TenantCounts;
import dev.herald.storage.model.Workspace;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class H2TenantStore implements TenantStore {
    private final Jdbc jdbc;

    public H2TenantStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Tenant create(String name) {
        var now = Jdbc.now();
        return jdbc.transaction(tx -> {
            long id = tx.insert("INSERT INTO tenants(name, status, created_at) VALUES (?, ?, ?)", name, Status.ACTIVE, now);
            tx.insert("INSERT INTO workspaces(tenant_id, name, created_at) VALUES (?, ?, ?)", id, Workspace.DEFAULT, now);
            return new Tenant(id, name, Status.ACTIVE, now);
        });
    }

    @Override
    public Optional<Tenant> byName(String name) {
        return jdbc.queryOne("SELECT * FROM tenants WHERE name = ?", H2TenantStore::map, name);
    }

    @Override
    public Optional<Tenant> byId(long id) {
        return jdbc.queryOne("SELECT * FROM tenants WHERE id = ?", H2TenantStore::map, id);
    }

    @Override
    public List<Tenant> list() {
        return jdbc.query("SELECT * FROM tenants ORDER BY name", H2TenantStore::map);
    }

    @Override
    public TenantCounts counts(long tenantId) {
        return new TenantCounts(
                jdbc.count("SELECT COUNT(*) FROM workspaces WHERE tenant_id = ?", tenantId),
                jdbc.count("SELECT COUNT(*) FROM domains WHERE tenant_id = ?", tenantId),
                jdbc.count("SELECT COUNT(*) FROM mailboxes WHERE tenant_id = ?", tenantId),
                jdbc.count("SELECT COUNT(*) FROM api_keys k LEFT JOIN mailboxes m ON k.mailbox_id = m.id "
                        + "WHERE k.revoked_at IS NULL AND (k.tenant_id = ? OR m.tenant_id = ?)", tenantId, tenantId));
    }

    @Override
    public boolean setStatus(long tenantId, Status status) {
        return jdbc.update("UPDATE tenants SET status = ? WHERE id = ?", status, tenantId) == 1;
    }

    @Override
    public boolean delete(long tenantId) {
        return jdbc.transaction(tx -> {
            // Policy rows point at their target polymorphically, so no foreign key cascades them.
            tx.update("DELETE FROM policy_values WHERE scope = 'MAILBOX' AND scope_id IN "
                    + "(SELECT id FROM mailboxes WHERE tenant_id = ?)", tenantId);
            tx.update("DELETE FROM policy_values WHERE scope = 'WORKSPACE' AND scope_id IN "
                    + "(SELECT id FROM workspaces WHERE tenant_id = ?)", tenantId);
            tx.update("DELETE FROM policy_values WHERE scope = 'TENANT' AND scope_id = ?", tenantId);
            return tx.update("DELETE FROM tenants WHERE id = ?", tenantId) == 1;
        });
    }

    private static Tenant map(ResultSet rs) throws SQLException {
        return new Tenant(rs.getLong("id"), rs.getString("name"), Status.valueOf(rs.getString("status")),
                Jdbc.instant(rs, "created_at"));
    }
}
