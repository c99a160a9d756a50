package dev.herald.storage.mail;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The index of every mailbox's folders and messages; bodies stay in the spool. */
public interface MailStore {
    /** Special-use folders every mailbox has, created on first use, with their RFC 6154 attribute. */
    List<String[]> SPECIAL_FOLDERS = List.of(
            new String[] {Folder.INBOX, ""}, new String[] {Folder.SENT, "\\Sent"}, new String[] {"Drafts", "\\Drafts"},
            new String[] {"Trash", "\\Trash"}, new String[] {"Junk", "\\Junk"}, new String[] {"Archive", "\\Archive"});

    /** The mailbox's folders in name order, creating the special-use set the first time. */
    List<Folder> folders(long mailboxId);

    Optional<Folder> folder(long mailboxId, String name);

    /**
     * Adds a copy to a folder under the folder's next UID and a new modseq, in one transaction.
     * @return empty when the folder already holds a copy from the same source (a replay after a crash)
     */
    Optional<StoredMessage> append(long folderId, NewMessage message);

    List<StoredMessage> messages(long folderId);

    /** The copy of a spooled message (its source) in a folder, if the folder holds one. */
    Optional<StoredMessage> bySource(long folderId, String source);

    Optional<Folder> folderById(long folderId);

    /** Messages of a folder whose modseq is above {@code modseq}: new ones and changed ones. */
    List<StoredMessage> changedSince(long folderId, long modseq);

    long count(long folderId);

    /** The UIDs in a folder, ascending (to find expunged ones). */
    List<Long> uids(long folderId);

    /** How a flag change applies: the given set replaces the flags, or is added to or removed from them. */
    enum FlagOp { REPLACE, ADD, REMOVE }

    /**
     * What a flag change did, with the message's flags and modseq as they are now: CHANGED (stored
     * under a new modseq), UNCHANGED (the flags already were so), MODIFIED (the message changed after
     * {@code unchangedSince}: nothing done, RFC 7162), GONE (expunged, or its folder deleted).
     */
    record FlagUpdate(Result result, java.util.Set<String> flags, long modseq) {
        public enum Result { CHANGED, UNCHANGED, MODIFIED, GONE }
    }

    /**
     * Applies a flag change atomically against the flags stored now (not a session's copy of them),
     * so that two sessions adding different flags both keep theirs.
     * @param unchangedSince CONDSTORE's UNCHANGEDSINCE, or -1 for none
     */
    FlagUpdate updateFlags(long folderId, long uid, FlagOp op, java.util.Set<String> flags, long unchangedSince);

    /** Removes messages from a folder (their bodies stay in the spool). Bumps the folder's modseq. */
    void expunge(long folderId, java.util.Collection<Long> uids);

    /**
     * Copies a message into another folder under that folder's next UID, keeping its EMAILID.
     * @return empty when the original is gone (expunged, its folder deleted) or the target folder is
     */
    Optional<StoredMessage> copy(StoredMessage message, long toFolderId);

    /** @throws dev.herald.storage.DuplicateException when the mailbox has a folder of that name */
    Folder createFolder(long mailboxId, String name);

    boolean deleteFolder(long folderId);

    /** @throws dev.herald.storage.DuplicateException when the new name is taken */
    boolean renameFolder(long folderId, String newName);

    void subscribe(long folderId, boolean subscribed);

    Optional<MessageLink> byMessageId(long mailboxId, String messageId);

    /**
     * Every delivery attempt made since {@code since} (each is one departure the scheduler admitted:
     * warm-up's and pacing's counters are rebuilt from them on start). Purges and approvals are not
     * departures.
     */
    List<Departure> departuresSince(Instant since);

    /** The newest message of a folder with this Message-ID stored at or after {@code since} (duplicate APPENDs to Sent). */
    Optional<StoredMessage> recentByMessageId(long folderId, String messageId, Instant since);

    /** A message of the mailbox that names {@code messageId} as its In-Reply-To (a child that came first). */
    Optional<MessageLink> replyTo(long mailboxId, String messageId);

    /** The most recent thread of the mailbox with this base subject, active at or after {@code since}. */
    Optional<Long> threadBySubject(long mailboxId, String baseSubject, Instant since);

    long createThread(long mailboxId, String baseSubject, Instant at);

    void touchThread(long threadId, Instant at);

    /** Adds a remote recipient to its tenant's queue. @return false when already queued (a replay) */
    boolean enqueue(QueueEntry entry);

    /**
     * Adds the remote recipients of one message at once (one commit), so the scheduler sees all of
     * them together and can carry them in one transaction per destination.
     * @return per entry, in order: false when it was already queued (a replay)
     */
    List<Boolean> enqueueAll(List<QueueEntry> entries);

    List<QueueEntry> queue(long tenantId);

    /** Entries created since {@code since} (not purged): what was sent, to refill the send budgets on start. */
    List<QueueEntry> sentSince(java.time.Instant since);

    /**
     * Sets an entry's state, due time and reason without counting an attempt: a policy decision
     * (deferred by pacing or warm-up, held, suppressed), not a delivery.
     */
    void settle(long entryId, String state, java.time.Instant dueAt, String reason);

    /** Entries matching the filter, oldest first. */
    List<QueueEntry> findQueue(QueueFilter filter);

    Optional<QueueEntry> queueEntry(long entryId);

    /** Entries not yet settled, counted per tenant, sending domain, mailbox and why they wait. */
    record QueueDepth(long tenantId, String domain, Optional<Long> mailboxId, String reason, long count) {
    }

    /**
     * The queue's depth by reason — due (never tried), retrying (a remote deferred it), warm-up,
     * pacing (policy deferred it), held for approval, held (sender paused), sending — of one
     * tenant or of all.
     */
    List<QueueDepth> queueDepth(Optional<Long> tenantId);

    /** Every recipient entry of one queued message (its queue id), in any state. */
    List<QueueEntry> queueEntriesOf(String source);

    /** Makes waiting entries due at {@code now}; others are left alone. @return how many */
    int retryNow(List<Long> entryIds, java.time.Instant now);

    /** Marks waiting entries purged, with an attempt record saying who did it. @return how many */
    int purge(List<Long> entryIds, java.time.Instant now, String why);

    /**
     * Takes up to {@code limit} entries due at {@code now} for sending, oldest first, marking them
     * sending so no other worker takes them.
     */
    List<QueueEntry> claimDue(java.time.Instant now, int limit);

    /** The tenants with entries due at {@code now}. */
    List<Long> tenantsWithDue(java.time.Instant now);

    /** Like {@link #claimDue} for one tenant: transactional entries first, then bulk, each oldest first. */
    List<QueueEntry> claimDue(long tenantId, java.time.Instant now, int limit);

    /** The entries {@link #claimDue(long, Instant, int)} would claim, without claiming them (the scheduler picks). */
    List<QueueEntry> peekDue(long tenantId, java.time.Instant now, int limit);

    /**
     * As {@link #peekDue(long, java.time.Instant, int)}, without the entries whose stream and
     * recipient domain (lower case) are in {@code skip} as "stream/domain": the scheduler looks past
     * destinations it already found full without reading their backlog row by row.
     */
    List<QueueEntry> peekDue(long tenantId, java.time.Instant now, int limit, java.util.Set<String> skip);

    /** Claims the given entries (waiting → sending); returns those that were still waiting. */
    List<QueueEntry> claim(List<QueueEntry> entries);

    /** Records one attempt and the entry's new state (waiting again with a due time, delivered or failed). */
    void recordAttempt(long entryId, java.time.Instant at, String host, String state, java.time.Instant dueAt, int attempts, String reply);

    /** Attempts of an entry, oldest first: {at, host, outcome, reply}. */
    List<String[]> attempts(long entryId);

    /** Marks an entry delivered (replay of the delivery journal after a crash); no-op when it already is. */
    void markDelivered(long entryId);

    /** Forces every committed change to disk (H2 CHECKPOINT SYNC). */
    void checkpoint();

    /** On start: entries left sending by a crash go back to waiting (delivered ones stay delivered). */
    int releaseSending();

    /** How far the spool has been processed: {segment, position}. */
    long[] spoolProgress();

    void markSpoolProgress(int segment, long position);
}
