package dev.herald.storage.mail;

import dev.herald.storage.spool.BlobRef;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A copy of a message to add to a folder.
 *
 * @param source the spool record it came from; a folder holds each source at most once
 * @param emailId for a copy, the EMAILID of the original (empty: a new message, its own identity)
 */
public record NewMessage(long mailboxId, String source, BlobRef blob, Instant internalDate, Set<String> flags,
                         HeaderFields headers, long threadId, Optional<Long> parentId, Optional<Long> emailId) {
    public NewMessage(long mailboxId, String source, BlobRef blob, Instant internalDate, Set<String> flags, HeaderFields headers,
                      long threadId, Optional<Long> parentId) {
        this(mailboxId, source, blob, internalDate, flags, headers, threadId, parentId, Optional.empty());
    }
}
