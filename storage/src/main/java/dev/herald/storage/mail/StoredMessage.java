package dev.herald.storage.mail;

import dev.herald.storage.spool.BlobRef;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** One message in one folder, as indexed. */
public record StoredMessage(long id, long mailboxId, long folderId, long uid, long modseq, Set<String> flags,
                            Instant internalDate, BlobRef blob, String source, HeaderFields headers, long threadId,
                            Optional<Long> parentId) {
}
