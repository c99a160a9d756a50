package dev.herald.storage.mail;

import dev.herald.storage.spool.BlobRef;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A copy of a message to add to a folder.
 *
 * @param source the spool record it came from; a folder holds each source at most once
 */
public record NewMessage(long mailboxId, String source, BlobRef blob, Instant internalDate, Set<String> flags,
                         HeaderFields headers, long threadId, Optional<Long> parentId) {
}
