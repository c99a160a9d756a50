package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

public record NewMailbox(long tenantId, long workspaceId, long domainId, String address, String displayName,
                         String passwordHash, Optional<Instant> expiresAt) {
}
