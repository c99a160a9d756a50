package dev.herald.storage.h2;

import dev.herald.storage.RouteStore;
import dev.herald.storage.model.OutboundRoute;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

public final class H2RouteStore implements RouteStore {
    private final Jdbc jdbc;

    public H2RouteStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public OutboundRoute put(OutboundRoute r) {
        long id = jdbc.transaction(tx -> {
            tx.update("DELETE FROM outbound_routes WHERE tenant_id IS NOT DISTINCT FROM ? AND domain_id IS NOT DISTINCT FROM ?",
                    r.tenantId().orElse(null), r.domainId().orElse(null));
            return tx.insert("INSERT INTO outbound_routes(tenant_id, domain_id, relay_host, relay_port, relay_tls, relay_verify, relay_user, "
                            + "relay_password, source_address, set_by_admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    r.tenantId().orElse(null), r.domainId().orElse(null), r.relayHost().orElse(null), r.relayPort(), r.relayTls(),
                    r.relayVerify(), r.relayUser().orElse(null), r.relayPassword().orElse(null), r.sourceAddress().orElse(null), r.setByAdmin(), Jdbc.now());
        });
        return byId(id).orElseThrow();
    }

    @Override
    public Optional<OutboundRoute> byId(long id) {
        return jdbc.queryOne("SELECT * FROM outbound_routes WHERE id = ?", H2RouteStore::map, id);
    }

    @Override
    public List<OutboundRoute> list(Optional<Long> tenantId) {
        return tenantId.isPresent()
                ? jdbc.query("SELECT * FROM outbound_routes WHERE tenant_id = ? ORDER BY id", H2RouteStore::map, tenantId.get())
                : jdbc.query("SELECT * FROM outbound_routes ORDER BY id", H2RouteStore::map);
    }

    @Override
    public boolean delete(long id) {
        return jdbc.update("DELETE FROM outbound_routes WHERE id = ?", id) == 1;
    }

    @Override
    public Optional<OutboundRoute> forSending(long tenantId, Optional<Long> domainId) {
        // Most specific first: the sending domain's, then the tenant's, then the server default.
        return jdbc.queryOne("SELECT * FROM outbound_routes WHERE (domain_id = ?) OR (tenant_id = ? AND domain_id IS NULL) "
                        + "OR (tenant_id IS NULL AND domain_id IS NULL) "
                        + "ORDER BY CASE WHEN domain_id IS NOT NULL THEN 0 WHEN tenant_id IS NOT NULL THEN 1 ELSE 2 END LIMIT 1",
                H2RouteStore::map, domainId.orElse(-1L), tenantId);
    }

    private static OutboundRoute map(ResultSet rs) throws SQLException {
        return new OutboundRoute(rs.getLong("id"), Jdbc.optionalLong(rs, "tenant_id"), Jdbc.optionalLong(rs, "domain_id"),
                Optional.ofNullable(rs.getString("relay_host")), rs.getInt("relay_port"), rs.getString("relay_tls"), rs.getBoolean("relay_verify"),
                Optional.ofNullable(rs.getString("relay_user")), Optional.ofNullable(rs.getString("relay_password")),
                Optional.ofNullable(rs.getString("source_address")), rs.getBoolean("set_by_admin"), Jdbc.instant(rs, "created_at"));
    }
}
