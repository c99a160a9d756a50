package dev.herald.storage;

import dev.herald.storage.model.Webhook;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Webhook endpoints and the queue of event deliveries to them. */
public interface WebhookStore {
    /** A delivery due: which endpoint, which event, how many attempts so far. */
    record Delivery(long id, long webhookId, long eventId, int attempts) {
    }

    Webhook create(long tenantId, Optional<Long> mailboxId, String url, String secret, String events, Instant now);

    Optional<Webhook> byId(long id);

    /** Every endpoint, or one tenant's. */
    List<Webhook> list(Optional<Long> tenantId);

    boolean delete(long id);

    /** Sets status, failures in a row and the last error. */
    void setHealth(long id, String status, int failures, Optional<String> lastError);

    /** Queues many {webhookId, eventId} pairs in one transaction (new events: no repeats). */
    void enqueueAll(List<long[]> pairs, Instant dueAt);

    /** Pending deliveries due at {@code now} to active endpoints, oldest first. */
    List<Delivery> due(Instant now, int limit);

    void delivered(long deliveryId, int attempts, String status);

    /** A failed attempt: pending again at {@code nextAt}, or failed for good when {@code nextAt} is empty. */
    void failed(long deliveryId, int attempts, Optional<Instant> nextAt, String status);

    /** Deliveries of one endpoint in a state (for tests and `webhook list`). */
    long count(long webhookId, String state);
}
