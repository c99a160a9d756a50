package dev.herald.storage;

import dev.herald.storage.model.AuditEntry;
import java.util.List;
import java.util.Optional;

/** The hash-chained audit log: appended in order, never updated. */
public interface AuditStore {
    /** The newest entry (where the chain continues), if any. */
    Optional<AuditEntry> last();

    void append(List<AuditEntry> entries);

    /** Entries after {@code afterId} in id order: every tenant's, or one tenant's. */
    List<AuditEntry> list(Optional<Long> tenantId, long afterId, int limit);
}
