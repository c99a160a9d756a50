package dev.herald.storage.h2;

import dev.herald.storage.AuditStore;
import dev.herald.storage.model.AuditEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

public final class H2AuditStore implements AuditStore {
    private final Jdbc jdbc;

    public H2AuditStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<AuditEntry> last() {
        return jdbc.queryOne("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1", H2AuditStore::map);
    }

    @Override
    public void append(List<AuditEntry> entries) {
        jdbc.transaction(tx -> {
            for (var e : entries) {
                tx.update("INSERT INTO audit_log(id, event_id, at, tenant_id, mailbox_id, actor, action, detail, prev_hash, hash)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.id(), e.eventId(), e.at(), e.tenantId(), e.mailboxId(), e.actor(),
                        e.action(), e.detail(), e.prevHash(), e.hash());
            }
            return null;
        });
    }

    @Override
    public List<AuditEntry> list(Optional<Long> tenantId, long afterId, int limit) {
        return tenantId.isPresent()
                ? jdbc.query("SELECT * FROM audit_log WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?", H2AuditStore::map, tenantId.get(),
                        afterId, limit)
                : jdbc.query("SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", H2AuditStore::map, afterId, limit);
    }

    private static AuditEntry map(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getLong("event_id"), Jdbc.instant(rs, "at"), Jdbc.optionalLong(rs, "tenant_id"),
                Jdbc.optionalLong(rs, "mailbox_id"), rs.getString("actor"), rs.getString("action"), rs.getString("detail"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }
}
