package dev.herald.storage.h2;

import dev.herald.storage.MailboxStore;
import dev.herald.storage.model.Mailbox;
import dev.herald.storage.model.MailboxFilter;
import dev.herald.storage.model.NewMailbox;
import dev.herald.storage.model.Status;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class H2MailboxStore implements MailboxStore {
    private static final String SELECT = "SELECT m.*, t.name AS tenant_name, w.name AS workspace_name FROM mailboxes m "
            + "JOIN tenants t ON t.id = m.tenant_id JOIN workspaces w ON w.id = m.workspace_id ";

    private final Jdbc jdbc;

    public H2MailboxStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public long create(NewMailbox m, Instant createdAt) {
        return jdbc.insert("INSERT INTO mailboxes(tenant_id, workspace_id, domain_id, address, display_name, "
                        + "password_hash, status, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                m.tenantId(), m.workspaceId(), m.domainId(), m.address(), m.displayName(), m.passwordHash(),
                Status.ACTIVE, m.expiresAt(), createdAt);
    }

    @Override
    public Optional<Mailbox> byAddress(String address) {
        return jdbc.queryOne(SELECT + "WHERE m.address = ?", H2MailboxStore::map, address);
    }

    @Override
    public Optional<Mailbox> byId(long id) {
        return jdbc.queryOne(SELECT + "WHERE m.id = ?", H2MailboxStore::map, id);
    }

    @Override
    public List<Mailbox> list(MailboxFilter f) {
        var where = new ArrayList<String>();
        var args = new ArrayList<Object>();
        f.tenantId().ifPresent(id -> { where.add("m.tenant_id = ?"); args.add(id); });
        f.workspaceId().ifPresent(id -> { where.add("m.workspace_id = ?"); args.add(id); });
        f.domainId().ifPresent(id -> { where.add("m.domain_id = ?"); args.add(id); });
        f.after().ifPresent(a -> { where.add("m.address > ?"); args.add(a); });
        var sql = SELECT + (where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where)) + " ORDER BY m.address LIMIT ?";
        args.add(f.limit());
        return jdbc.query(sql, H2MailboxStore::map, args.toArray());
    }

    @Override
    public boolean setStatus(long mailboxId, Status status) {
        return jdbc.update("UPDATE mailboxes SET status = ? WHERE id = ?", status, mailboxId) == 1;
    }

    @Override
    public boolean setPasswordHash(long mailboxId, String passwordHash) {
        return jdbc.update("UPDATE mailboxes SET password_hash = ? WHERE id = ?", passwordHash, mailboxId) == 1;
    }

    @Override
    public boolean delete(long mailboxId) {
        return jdbc.transaction(tx -> {
            tx.update("DELETE FROM policy_values WHERE scope = 'MAILBOX' AND scope_id = ?", mailboxId);
            return tx.update("DELETE FROM mailboxes WHERE id = ?", mailboxId) == 1;
        });
    }

    @Override
    public List<String> deleteExpired(Instant now) {
        return jdbc.transaction(tx -> {
            var expired = tx.query("SELECT id, address FROM mailboxes WHERE expires_at <= ?",
                    rs -> new Object[] {rs.getLong(1), rs.getString(2)}, now);
            var addresses = new ArrayList<String>();
            for (var row : expired) {
                tx.update("DELETE FROM policy_values WHERE scope = 'MAILBOX' AND scope_id = ?", row[0]);
                tx.update("DELETE FROM mailboxes WHERE id = ?", row[0]);
                addresses.add((String) row[1]);
            }
            return addresses;
        });
    }

    private static Mailbox map(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong("id"), rs.getLong("tenant_id"), rs.getString("tenant_name"), rs.getLong("workspace_id"),
                rs.getString("workspace_name"), rs.getLong("domain_id"), rs.getString("address"), rs.getString("display_name"),
                rs.getString("password_hash"), Status.valueOf(rs.getString("status")), Jdbc.optionalInstant(rs, "expires_at"),
                Jdbc.instant(rs, "created_at"));
    }
}
