package dev.herald.storage.mail;

import dev.herald.storage.spool.BlobRef;
import java.time.Instant;
import java.util.Optional;

/**
 * One remote recipient of one message, waiting in its tenant's queue; {@code run} is its
 * X-Herald-Run; {@code lastReply} the last remote reply or policy reason that set its state.
 */
public record QueueEntry(long id, long tenantId, Optional<Long> mailboxId, String source, BlobRef blob, String sender,
                         String recipient, Optional<String> dsnNotify, Optional<String> dsnOrcpt, Optional<String> dsnRet,
                         Optional<String> dsnEnvid, String state, Instant dueAt, int attempts, Instant createdAt, String stream,
                         Optional<String> run, Optional<String> lastReply) {
    public static final String TRANSACTIONAL = "transactional";
    public static final String BULK = "bulk";

    public static final String WAITING = "waiting";
    public static final String SENDING = "sending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    /** Removed by an admin before it was delivered; never sent, no DSN. */
    public static final String PURGED = "purged";
    /** Held by policy until an admin approves (waiting again) or rejects (failed, with a DSN). */
    public static final String HELD = "held";
    /** Found on the tenant's suppression list just before sending: never sent, no DSN. */
    public static final String SUPPRESSED = "suppressed";
    /** Accepted by the remote, then bounced back to its VERP address. */
    public static final String BOUNCED = "bounced";

    /** The states an admin can act on: not yet sent and not being sent. */
    public boolean pending() {
        return state.equals(WAITING);
    }
}
