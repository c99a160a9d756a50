package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

/**
 * An endpoint a tenant's events are POSTed to. {@code events}: the event kinds it wants, comma
 * separated, or "*"; {@code failures}: failed attempts in a row (reset by a 2xx).
 */
public record Webhook(long id, long tenantId, Optional<Long> mailboxId, String url, String secret, String events, String status,
                      int failures, Optional<String> lastError, Instant createdAt) {
    public static final String ACTIVE = "active";
    /** Paused after persistent failure: deliveries wait until someone resumes it. */
    public static final String PAUSED = "paused";

    public boolean wants(EventType type) {
        if (events.equals("*")) {
            return true;
        }
        for (var e : events.split(",")) {
            if (e.trim().equalsIgnoreCase(type.wire())) {
                return true;
            }
        }
        return false;
    }
}
