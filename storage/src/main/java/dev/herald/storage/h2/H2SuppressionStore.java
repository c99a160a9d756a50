package dev.herald.storage.h2;

import dev.herald.storage.DuplicateException;
import dev.herald.storage.SuppressionStore;
import dev.herald.storage.model.Suppression;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class H2SuppressionStore implements SuppressionStore {
    private final Jdbc jdbc;

    public H2SuppressionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Suppression add(long tenantId, String address, String reason, Optional<String> detail) {
        var a = address.toLowerCase(Locale.ROOT);
        try {
            jdbc.insert("INSERT INTO suppressions(tenant_id, address, reason, detail, created_at) VALUES (?, ?, ?, ?, ?)", tenantId, a, reason,
                    detail.map(d -> d.length() > 1000 ? d.substring(0, 1000) : d).orElse(null), Jdbc.now());
        } catch (DuplicateException already) {
            // first reason wins
        }
        return find(tenantId, a).orElseThrow();
    }

    @Override
    public Optional<Suppression> find(long tenantId, String address) {
        return jdbc.queryOne("SELECT * FROM suppressions WHERE tenant_id = ? AND address = ?", H2SuppressionStore::map, tenantId,
                address.toLowerCase(Locale.ROOT));
    }

    @Override
    public List<Suppression> list(long tenantId, int limit) {
        return jdbc.query("SELECT * FROM suppressions WHERE tenant_id = ? ORDER BY id LIMIT ?", H2SuppressionStore::map, tenantId, limit);
    }

    @Override
    public boolean remove(long tenantId, String address) {
        return jdbc.update("DELETE FROM suppressions WHERE tenant_id = ? AND address = ?", tenantId, address.toLowerCase(Locale.ROOT)) == 1;
    }

    @Override
    public List<Suppression> all() {
        return jdbc.query("SELECT * FROM suppressions ORDER BY id", H2SuppressionStore::map);
    }

    private static Suppression map(ResultSet rs) throws SQLException {
        return new Suppression(rs.getLong("id"), rs.getLong("tenant_id"), rs.getString("address"), rs.getString("reason"),
                Optional.ofNullable(rs.getString("detail")), Jdbc.instant(rs, "created_at"));
    }
}
