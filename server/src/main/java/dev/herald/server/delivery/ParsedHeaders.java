package dev.herald.server.delivery;

import dev.herald.storage.mail.HeaderFields;
import java.util.List;

/** A message's top-level header as Herald needs it: the indexed fields and the From: mailboxes. */
public record ParsedHeaders(HeaderFields fields, List<String> fromAddresses, boolean hasMessageId, boolean hasDate,
                            int headerLength, java.util.Optional<String> stream, java.util.Optional<String> run) {
}
