package dev.herald.storage.h2;

import dev.herald.storage.PolicyStore;
import dev.herald.storage.model.PolicyTarget;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Policy values per level. Read at every policy decision (four levels per RCPT), so they are kept
 * in memory: one Herald process owns the database, and every change goes through {@link #apply},
 * which bumps a generation so that a read racing a change never caches the old values.
 */
public final class H2PolicyStore implements PolicyStore {
    private final Jdbc jdbc;
    private final java.util.concurrent.ConcurrentHashMap<PolicyTarget, Map<String, String>> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public H2PolicyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Map<String, String> values(PolicyTarget target) {
        var cached = cache.get(target);
        if (cached != null) {
            return cached;
        }
        long before = generation.get();
        var out = new TreeMap<String, String>();
        jdbc.query("SELECT name, val FROM policy_values WHERE scope = ? AND scope_id = ?",
                rs -> out.put(rs.getString(1), rs.getString(2)), target.level(), target.id());
        var values = java.util.Collections.unmodifiableMap(out);
        if (generation.get() == before) {
            cache.put(target, values);
            if (generation.get() != before) {
                cache.remove(target); // a change committed meanwhile: do not keep what may be old
            }
        }
        return values;
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
        generation.incrementAndGet();
        cache.remove(target);
    }
}
