package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

/**
 * An API key as stored: never the secret itself, only its hash.
 *
 * @param keyId the key's public identifier: its first characters, shown in listings and used to revoke it
 */
public record ApiKey(long id, String keyId, String name, Scope scope, Optional<Long> tenantId,
                     Optional<Long> mailboxId, Instant createdAt, Optional<Instant> revokedAt) {

    public boolean revoked() {
        return revokedAt.isPresent();
    }
}
