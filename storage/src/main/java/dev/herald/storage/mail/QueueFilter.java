package dev.herald.storage.mail;

import java.util.Optional;

/**
 * Which queue entries an admin means: by tenant, by sending domain (the envelope sender's), by
 * destination domain (the recipient's) and by state; empty means any. At most {@code limit} rows.
 */
public record QueueFilter(Optional<Long> tenantId, Optional<String> senderDomain, Optional<String> recipientDomain,
                          Optional<String> state, int limit) {
    public boolean narrowed() {
        return tenantId.isPresent() || senderDomain.isPresent() || recipientDomain.isPresent() || state.isPresent();
    }
}
