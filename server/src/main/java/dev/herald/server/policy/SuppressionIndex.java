package dev.herald.server.policy;

import dev.herald.policy.pipeline.SuppressionStep;
import dev.herald.storage.SuppressionStore;
import dev.herald.storage.model.Suppression;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The suppression lists in memory, per tenant, for the per-recipient check at RCPT and before
 * sending; every change goes to the store first, then here. Never shared across tenants.
 */
public final class SuppressionIndex implements SuppressionStep.SuppressionList {
    private final SuppressionStore store;
    private final Map<Long, Map<String, String>> byTenant = new ConcurrentHashMap<>();
    private final dev.herald.server.events.EventLog events;

    public SuppressionIndex(SuppressionStore store, dev.herald.server.events.EventLog events) {
        this.store = store;
        this.events = events;
        store.all().forEach(this::remember);
    }

    @Override
    public Optional<String> reason(long tenantId, String address) {
        var list = byTenant.get(tenantId);
        return list == null ? Optional.empty() : Optional.ofNullable(list.get(address.toLowerCase(Locale.ROOT)));
    }

    /** Adds the address to the tenant's list (the first reason stays); a new entry is a `suppressed` event. */
    public Suppression add(long tenantId, String address, String reason, Optional<String> detail) {
        boolean known = reason(tenantId, address).isPresent();
        var s = store.add(tenantId, address, reason, detail);
        remember(s);
        if (!known) {
            events.record(new dev.herald.storage.model.Event(0, s.createdAt(), dev.herald.storage.model.EventType.SUPPRESSED,
                    Optional.of(tenantId), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(s.address()), "added to the suppression list: " + s.reason().replace('_', ' ') + detail.map(d -> " (" + d + ")").orElse("")));
        }
        return s;
    }

    public boolean remove(long tenantId, String address) {
        var removed = store.remove(tenantId, address);
        var list = byTenant.get(tenantId);
        if (list != null) {
            list.remove(address.toLowerCase(Locale.ROOT));
        }
        return removed;
    }

    public List<Suppression> list(long tenantId, int limit) {
        return store.list(tenantId, limit);
    }

    private void remember(Suppression s) {
        var why = s.reason().replace('_', ' ') + " since " + s.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        byTenant.computeIfAbsent(s.tenantId(), t -> new ConcurrentHashMap<>()).put(s.address(), why);
    }
}
