package dev.herald.storage.mail;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The parsed header fields the index keeps (for IMAP ENVELOPE, SEARCH, SORT and threading). */
public record HeaderFields(Optional<String> messageId, Optional<String> inReplyTo, List<String> references,
                           Optional<String> subject, Optional<String> from, Optional<String> to, Optional<String> cc,
                           Optional<Instant> date) {
}
