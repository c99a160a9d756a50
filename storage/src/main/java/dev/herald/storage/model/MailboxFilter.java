package dev.herald.storage.model;

import java.util.Optional;

/** A page of mailboxes in address order; {@code after} is the last address of the previous page. */
public record MailboxFilter(Optional<Long> tenantId, Optional<Long> workspaceId, Optional<Long> domainId,
                            Optional<String> after, int limit) {
}
