package dev.herald.storage.mail;

import dev.herald.storage.spool.BlobRef;
import java.time.Instant;
import java.util.Optional;

/** One remote recipient of one message, waiting in its tenant's queue. */
public record QueueEntry(long id, long tenantId, Optional<Long> mailboxId, String source, BlobRef blob, String sender,
                         String recipient, Optional<String> dsnNotify, Optional<String> dsnOrcpt, Optional<String> dsnRet,
                         Optional<String> dsnEnvid, String state, Instant dueAt, int attempts, Instant createdAt, String stream) {
    public static final String TRANSACTIONAL = "transactional";
    public static final String BULK = "bulk";

    public static final String WAITING = "waiting";
    public static final String SENDING = "sending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    /** Removed by an admin before it was delivered; never sent, no DSN. */
    public static final String PURGED = "purged";

    /** The states an admin can act on: not yet sent and not being sent. */
    public boolean pending() {
        return state.equals(WAITING);
    }
}
