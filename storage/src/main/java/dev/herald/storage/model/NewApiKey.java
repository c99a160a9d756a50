package dev.herald.storage.model;

import java.util.Optional;

public record NewApiKey(String keyId, String tokenHash, String name, Scope scope, Optional<Long> tenantId,
                        Optional<Long> mailboxId) {
}
