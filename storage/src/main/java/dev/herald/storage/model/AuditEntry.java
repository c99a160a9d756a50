package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

/** One entry of the audit log: who did what, and the hash that chains it to the entry before. */
public record AuditEntry(long id, long eventId, Instant at, Optional<Long> tenantId, Optional<Long> mailboxId, String actor,
                         String action, String detail, String prevHash, String hash) {
}
