package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

/** An address a tenant's mail is not sent to. {@code reason}: hard_bounce, complaint, unsubscribe or admin. */
public record Suppression(long id, long tenantId, String address, String reason, Optional<String> detail, Instant createdAt) {
    public static final String HARD_BOUNCE = "hard_bounce";
    public static final String COMPLAINT = "complaint";
    public static final String UNSUBSCRIBE = "unsubscribe";
    public static final String ADMIN = "admin";
}
