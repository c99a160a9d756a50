package dev.herald.storage.h2;

import dev.herald.storage.ApiKeyStore;
import dev.herald.storage.model.ApiKey;
import dev.herald.storage.model.NewApiKey;
import dev.herald.storage.model.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public final class H2ApiKeyStore implements ApiKeyStore {
    private final Jdbc jdbc;

    public H2ApiKeyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public ApiKey create(NewApiKey k) {
        long id = jdbc.insert("INSERT INTO api_keys(key_id, token_hash, name, scope, tenant_id, mailbox_id, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", k.keyId(), k.tokenHash(), k.name(), k.scope(), k.tenantId(), k.mailboxId(),
                Jdbc.now());
        return jdbc.queryOne("SELECT * FROM api_keys WHERE id = ?", H2ApiKeyStore::map, id).orElseThrow();
    }

    @Override
    public Optional<ApiKey> byTokenHash(String tokenHash) {
        return jdbc.queryOne("SELECT * FROM api_keys WHERE token_hash = ?", H2ApiKeyStore::map, tokenHash);
    }

    @Override
    public Optional<ApiKey> byKeyId(String keyId) {
        return jdbc.queryOne("SELECT * FROM api_keys WHERE key_id = ?", H2ApiKeyStore::map, keyId);
    }

    @Override
    public List<ApiKey> list(Optional<Long> tenantId) {
        return tenantId.isPresent()
                ? jdbc.query("SELECT k.* FROM api_keys k LEFT JOIN mailboxes m ON k.mailbox_id = m.id "
                        + "WHERE k.tenant_id = ? OR m.tenant_id = ? ORDER BY k.id", H2ApiKeyStore::map, tenantId.get(), tenantId.get())
                : jdbc.query("SELECT * FROM api_keys ORDER BY id", H2ApiKeyStore::map);
    }

    @Override
    public boolean revoke(String keyId, Instant at) {
        return jdbc.update("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", at, keyId) == 1;
    }

    @Override
    public boolean hasActiveAdminKey() {
        return jdbc.count("SELECT COUNT(*) FROM api_keys WHERE scope = 'ADMIN' AND revoked_at IS NULL") > 0;
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getLong("id"), rs.getString("key_id"), rs.getString("name"), Scope.valueOf(rs.getString("scope")),
                Jdbc.optionalLong(rs, "tenant_id"), Jdbc.optionalLong(rs, "mailbox_id"), Jdbc.instant(rs, "created_at"),
                Jdbc.optionalInstant(rs, "revoked_at"));
    }
}
