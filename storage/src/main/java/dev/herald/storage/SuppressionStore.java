package dev.herald.storage;

import dev.herald.storage.model.Suppression;
import java.util.List;
import java.util.Optional;

/** Per-tenant suppression lists. Addresses are kept lower-case. */
public interface SuppressionStore {
    /** Adds the address; when it is already there, the existing entry stays (first reason wins). */
    Suppression add(long tenantId, String address, String reason, Optional<String> detail);

    Optional<Suppression> find(long tenantId, String address);

    /** One tenant's list, oldest first, at most {@code limit}. */
    List<Suppression> list(long tenantId, int limit);

    boolean remove(long tenantId, String address);

    /** Every entry, for the in-memory index built on start. */
    List<Suppression> all();
}
