package dev.herald.storage.h2;

import dev.herald.storage.DomainStore;
import dev.herald.storage.model.DkimKey;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.NewDkimKey;
import dev.herald.storage.model.Placement;
import dev.herald.storage.model.Tenant;
import dev.herald.storage.model.Workspace;
import dev.herald.storage.model.Status;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class H2DomainStore implements DomainStore {
    private final Jdbc jdbc;

    public H2DomainStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Domain create(long tenantId, String name, List<NewDkimKey> keys) {
        var now = Jdbc.now();
        return jdbc.transaction(tx -> {
            long id = tx.insert("INSERT INTO domains(tenant_id, name, status, created_at) VALUES (?, ?, ?, ?)",
                    tenantId, name, Status.ACTIVE, now);
            for (var key : keys) {
                tx.insert("INSERT INTO dkim_keys(domain_id, selector, private_key, public_key, active, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", id, key.selector(), key.privateKey(), key.publicKey(), key.active(), now);
            }
            return new Domain(id, tenantId, name, Status.ACTIVE, now);
        });
    }

    @Override
    public Optional<Domain> byName(String name) {
        return jdbc.queryOne("SELECT * FROM domains WHERE name = ?", H2DomainStore::map, name);
    }

    @Override
    public Optional<Placement> placement(String domain, String workspace) {
        return jdbc.queryOne("SELECT d.*, t.name AS t_name, t.status AS t_status, t.created_at AS t_created, "
                + "w.id AS w_id, w.name AS w_name, w.created_at AS w_created FROM domains d "
                + "JOIN tenants t ON t.id = d.tenant_id LEFT JOIN workspaces w ON w.tenant_id = t.id AND w.name = ? "
                + "WHERE d.name = ?", rs -> {
                    var d = map(rs);
                    var t = new Tenant(d.tenantId(), rs.getString("t_name"), Status.valueOf(rs.getString("t_status")),
                            Jdbc.instant(rs, "t_created"));
                    var wid = Jdbc.optionalLong(rs, "w_id");
                    var w = wid.isEmpty() ? Optional.<Workspace>empty()
                            : Optional.of(new Workspace(wid.get(), d.tenantId(), rs.getString("w_name"), Jdbc.instant(rs, "w_created")));
                    return new Placement(d, t, w);
                }, workspace, domain);
    }

    @Override
    public Optional<Domain> byId(long id) {
        return jdbc.queryOne("SELECT * FROM domains WHERE id = ?", H2DomainStore::map, id);
    }

    @Override
    public List<Domain> list(Optional<Long> tenantId) {
        return tenantId.isPresent()
                ? jdbc.query("SELECT * FROM domains WHERE tenant_id = ? ORDER BY name", H2DomainStore::map, tenantId.get())
                : jdbc.query("SELECT * FROM domains ORDER BY name", H2DomainStore::map);
    }

    @Override
    public List<DkimKey> dkimKeys(long domainId) {
        return jdbc.query("SELECT * FROM dkim_keys WHERE domain_id = ? ORDER BY selector", H2DomainStore::mapKey, domainId);
    }

    @Override
    public boolean activateSelector(long domainId, String selector) {
        return jdbc.transaction(tx -> {
            if (tx.count("SELECT COUNT(*) FROM dkim_keys WHERE domain_id = ? AND selector = ?", domainId, selector) == 0) {
                return false;
            }
            tx.update("UPDATE dkim_keys SET active = (selector = ?) WHERE domain_id = ?", selector, domainId);
            return true;
        });
    }

    @Override
    public boolean replaceKey(long domainId, String selector, byte[] privateKey, byte[] publicKey) {
        return jdbc.update("UPDATE dkim_keys SET private_key = ?, public_key = ?, created_at = ? "
                + "WHERE domain_id = ? AND selector = ? AND NOT active", privateKey, publicKey, Jdbc.now(), domainId, selector) == 1;
    }

    @Override
    public boolean setStatus(long domainId, dev.herald.storage.model.Status status) {
        return jdbc.update("UPDATE domains SET status = ? WHERE id = ?", status, domainId) == 1;
    }

    @Override
    public long mailboxCount(long domainId) {
        return jdbc.count("SELECT COUNT(*) FROM mailboxes WHERE domain_id = ?", domainId);
    }

    @Override
    public boolean delete(long domainId) {
        return jdbc.transaction(tx -> {
            tx.update("DELETE FROM policy_values WHERE scope = 'MAILBOX' AND scope_id IN "
                    + "(SELECT id FROM mailboxes WHERE domain_id = ?)", domainId);
            return tx.update("DELETE FROM domains WHERE id = ?", domainId) == 1;
        });
    }

    private static Domain map(ResultSet rs) throws SQLException {
        return new Domain(rs.getLong("id"), rs.getLong("tenant_id"), rs.getString("name"),
                Status.valueOf(rs.getString("status")), Jdbc.instant(rs, "created_at"));
    }

    private static DkimKey mapKey(ResultSet rs) throws SQLException {
        return new DkimKey(rs.getLong("id"), rs.getLong("domain_id"), rs.getString("selector"), rs.getBytes("private_key"),
                rs.getBytes("public_key"), rs.getBoolean("active"), Jdbc.instant(rs, "created_at"));
    }
}
