package dev.herald.storage;

import dev.herald.storage.model.Mailbox;
import dev.herald.storage.model.MailboxFilter;
import dev.herald.storage.model.NewMailbox;
import dev.herald.storage.model.Status;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface MailboxStore {
    /**
     * Inserts an active mailbox. Returns only its id: the caller already holds everything else,
     * and provisioning thousands of mailboxes a second should not re-read each one.
     * @throws DuplicateException when the address exists
     */
    long create(NewMailbox mailbox, Instant createdAt);

    Optional<Mailbox> byAddress(String address);

    Optional<Mailbox> byId(long id);

    List<Mailbox> list(MailboxFilter filter);

    boolean setStatus(long mailboxId, Status status);

    boolean setPasswordHash(long mailboxId, String passwordHash);

    boolean delete(long mailboxId);

    /** Deletes every mailbox whose expiry is at or before {@code now}. @return their addresses */
    List<String> deleteExpired(Instant now);
}
