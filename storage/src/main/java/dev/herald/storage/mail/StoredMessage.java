package dev.herald.storage.mail;

import dev.herald.storage.spool.BlobRef;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One message in one folder, as indexed.
 *
 * @param emailId the message's identity across folders (RFC 8474 EMAILID): kept by COPY and MOVE
 */
public record StoredMessage(long id, long mailboxId, long folderId, long uid, long modseq, Set<String> flags,
                            Instant internalDate, BlobRef blob, String source, HeaderFields headers, long threadId,
                            Optional<Long> parentId, long emailId) {
    /** This message after a flag change stored with {@code newModseq}. */
    public StoredMessage withFlags(Set<String> newFlags, long newModseq) {
        return new StoredMessage(id, mailboxId, folderId, uid, newModseq, Set.copyOf(newFlags), internalDate, blob, source, headers, threadId,
                parentId, emailId);
    }
}
