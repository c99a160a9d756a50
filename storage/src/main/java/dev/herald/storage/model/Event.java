package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of the event stream. {@code source} is the queue id of the message (its spool
 * reference), {@code messageId} its Message-ID header, {@code domain} the sending domain (or, for
 * mail received, the recipient's). {@code id} is 0 until stored.
 */
public record Event(long id, Instant at, EventType type, Optional<Long> tenantId, Optional<Long> workspaceId, Optional<Long> mailboxId,
                    Optional<String> domain, Optional<String> source, Optional<String> messageId, Optional<String> recipient,
                    String detail) {
    public Event withId(long newId) {
        return new Event(newId, at, type, tenantId, workspaceId, mailboxId, domain, source, messageId, recipient, detail);
    }
}
