package dev.herald.storage.h2;

import dev.herald.storage.PolicyStore;
import dev.herald.storage.model.PolicyTarget;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

public final class H2PolicyStore implements PolicyStore {
    private final Jdbc jdbc;

    public H2PolicyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Map<String, String> values(PolicyTarget target) {
        var out = new TreeMap<String, String>();
        jdbc.query("SELECT name, val FROM policy_values WHERE scope = ? AND scope_id = ?",
                rs -> out.put(rs.getString(1), rs.getString(2)), target.level(), target.id());
        return out;
    }

    @Override
    public void apply(PolicyTarget target, Map<String, Optional<String>> changes) {
        jdbc.transaction(tx -> {
            changes.forEach((name, value) -> {
                if (value.isPresent()) {
                    tx.update("MERGE INTO policy_values(scope, scope_id, name, val) KEY(scope, scope_id, name) VALUES (?, ?, ?, ?)",
                            target.level(), target.id(), name, value.get());
                } else {
                    tx.update("DELETE FROM policy_values WHERE scope = ? AND scope_id = ? AND name = ?",
                            target.level(), target.id(), name);
                }
            });
            return null;
        });
    }
}
