package dev.herald.storage;

import dev.herald.storage.model.ApiKey;
import dev.herald.storage.model.NewApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface ApiKeyStore {
    /** @throws DuplicateException when the key id or hash collides (retry with a new key) */
    ApiKey create(NewApiKey key);

    /** The key whose secret hashes to {@code tokenHash} (hex SHA-256), revoked or not. */
    Optional<ApiKey> byTokenHash(String tokenHash);

    Optional<ApiKey> byKeyId(String keyId);

    /** Every key, or one tenant's (its tenant keys and its mailboxes' keys), newest last. */
    List<ApiKey> list(Optional<Long> tenantId);

    boolean revoke(String keyId, Instant at);

    boolean hasActiveAdminKey();
}
