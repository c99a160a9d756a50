package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

/** One agent's mailbox, {@code local@domain}. Names of its tenant and workspace come along for display. */
public record Mailbox(long id, long tenantId, String tenantName, long workspaceId, String workspaceName,
                      long domainId, String address, String displayName, String passwordHash, Status status,
                      Optional<Instant> expiresAt, Instant createdAt) {

    public boolean expiredAt(Instant now) {
        return expiresAt.map(t -> !t.isAfter(now)).orElse(false);
    }
}
