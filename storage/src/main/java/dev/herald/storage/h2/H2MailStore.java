package dev.herald.storage.h2;

import dev.herald.storage.DuplicateException;
import dev.herald.storage.StorageException;
import dev.herald.storage.mail.Departure;
import dev.herald.storage.mail.Folder;
import dev.herald.storage.mail.HeaderFields;
import dev.herald.storage.mail.MailStore;
import dev.herald.storage.mail.MessageLink;
import dev.herald.storage.mail.NewMessage;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.mail.QueueFilter;
import dev.herald.storage.mail.StoredMessage;
import dev.herald.storage.spool.BlobRef;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

public final class H2MailStore implements MailStore {
    private static final int REFS_MAX = 16000;

    private final Jdbc jdbc;

    public H2MailStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Folder> folders(long mailboxId) {
        var existing = jdbc.query("SELECT * FROM folders WHERE mailbox_id = ? ORDER BY name", H2MailStore::folder, mailboxId);
        if (!existing.isEmpty()) {
            return existing;
        }
        try {
            jdbc.transaction(tx -> {
                var now = Jdbc.now();
                for (var f : SPECIAL_FOLDERS) {
                    tx.insert("INSERT INTO folders(mailbox_id, name, special_use, uidvalidity, uidnext, highest_modseq, subscribed, "
                            + "created_at) VALUES (?, ?, ?, ?, 1, 0, TRUE, ?)", mailboxId, f[0], f[1].isEmpty() ? null : f[1],
                            now.getEpochSecond(), now);
                }
                return null;
            });
        } catch (DuplicateException e) {
            // created at the same moment by another session: read theirs
        }
        return jdbc.query("SELECT * FROM folders WHERE mailbox_id = ? ORDER BY name", H2MailStore::folder, mailboxId);
    }

    @Override
    public Optional<Folder> folder(long mailboxId, String name) {
        var found = jdbc.queryOne("SELECT * FROM folders WHERE mailbox_id = ? AND name = ?", H2MailStore::folder, mailboxId, name);
        if (found.isPresent()) {
            return found;
        }
        folders(mailboxId); // first use of this mailbox: create its special-use folders
        return jdbc.queryOne("SELECT * FROM folders WHERE mailbox_id = ? AND name = ?", H2MailStore::folder, mailboxId, name);
    }

    @Override
    public Optional<StoredMessage> append(long folderId, NewMessage m) {
        try {
            return Optional.of(insert(folderId, m));
        } catch (DuplicateException replay) {
            // The unique (folder, source) constraint: this copy is already there. The transaction
            // rolled back, UID counter included.
            return Optional.empty();
        }
    }

    private StoredMessage insert(long folderId, NewMessage m) {
        return jdbc.transaction(tx -> insert(tx, folderId, m)
                .orElseThrow(() -> new StorageException("folder " + folderId + " no longer exists", null)));
    }

    /** Inside a transaction: the new row, or empty when the folder is gone. */
    private static Optional<StoredMessage> insert(Jdbc tx, long folderId, NewMessage m) {
        var counters = tx.queryOne("SELECT uidnext, highest_modseq FROM folders WHERE id = ? FOR UPDATE",
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}, folderId);
        if (counters.isEmpty()) {
            return Optional.empty();
        }
        long uid = counters.get()[0];
        long modseq = counters.get()[1] + 1;
        tx.update("UPDATE folders SET uidnext = ?, highest_modseq = ? WHERE id = ?", uid + 1, modseq, folderId);
        var h = m.headers();
        var refs = String.join(" ", h.references());
        long id = tx.insert("INSERT INTO messages(mailbox_id, folder_id, uid, modseq, flags, internal_date, size, blob_segment, "
                        + "blob_offset, source, message_id, in_reply_to, refs, subject, from_addr, to_addr, cc_addr, date_hdr, "
                        + "thread_id, parent_id, email_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                m.mailboxId(), folderId, uid, modseq, String.join(" ", m.flags()), m.internalDate(), m.blob().length(),
                m.blob().segment(), m.blob().offset(), m.source(), cut(h.messageId(), 998), cut(h.inReplyTo(), 998),
                refs.length() > REFS_MAX ? refs.substring(refs.length() - REFS_MAX) : refs, cut(h.subject(), 998),
                cut(h.from(), 2000), cut(h.to(), 8000), cut(h.cc(), 8000), h.date(), m.threadId(), m.parentId(), m.emailId().orElse(null));
        return Optional.of(new StoredMessage(id, m.mailboxId(), folderId, uid, modseq, m.flags(), m.internalDate(), m.blob(),
                m.source(), h, m.threadId(), m.parentId(), m.emailId().orElse(id)));
    }

    private static Optional<String> cut(Optional<String> value, int max) {
        return value.map(v -> v.length() > max ? v.substring(0, max) : v);
    }

    @Override
    public Optional<StoredMessage> bySource(long folderId, String source) {
        return jdbc.queryOne("SELECT * FROM messages WHERE folder_id = ? AND source = ?", H2MailStore::message, folderId, source);
    }

    @Override
    public List<StoredMessage> messages(long folderId) {
        return jdbc.query("SELECT * FROM messages WHERE folder_id = ? ORDER BY uid", H2MailStore::message, folderId);
    }

    @Override
    public Optional<Folder> folderById(long folderId) {
        return jdbc.queryOne("SELECT * FROM folders WHERE id = ?", H2MailStore::folder, folderId);
    }

    @Override
    public List<StoredMessage> changedSince(long folderId, long modseq) {
        return jdbc.query("SELECT * FROM messages WHERE folder_id = ? AND modseq > ? ORDER BY uid", H2MailStore::message, folderId, modseq);
    }

    @Override
    public long count(long folderId) {
        return jdbc.count("SELECT COUNT(*) FROM messages WHERE folder_id = ?", folderId);
    }

    @Override
    public List<Long> uids(long folderId) {
        return jdbc.query("SELECT uid FROM messages WHERE folder_id = ? ORDER BY uid", rs -> rs.getLong(1), folderId);
    }

    @Override
    public FlagUpdate updateFlags(long folderId, long uid, FlagOp op, Set<String> given, long unchangedSince) {
        return jdbc.transaction(tx -> {
            // The folder row first, as every writer of the folder locks it: one order, no deadlock.
            var highest = tx.queryOne("SELECT highest_modseq FROM folders WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), folderId);
            if (highest.isEmpty()) {
                return new FlagUpdate(FlagUpdate.Result.GONE, Set.of(), 0);
            }
            var row = tx.queryOne("SELECT flags, modseq FROM messages WHERE folder_id = ? AND uid = ? FOR UPDATE",
                    rs -> new Object[] {rs.getString(1), rs.getLong(2)}, folderId, uid);
            if (row.isEmpty()) {
                return new FlagUpdate(FlagUpdate.Result.GONE, Set.of(), 0);
            }
            var current = new LinkedHashSet<String>();
            var raw = (String) row.get()[0];
            if (!raw.isEmpty()) {
                current.addAll(Arrays.asList(raw.split(" ")));
            }
            long modseq = (Long) row.get()[1];
            if (unchangedSince >= 0 && modseq > unchangedSince) {
                return new FlagUpdate(FlagUpdate.Result.MODIFIED, Set.copyOf(current), modseq);
            }
            var next = new LinkedHashSet<>(current);
            switch (op) {
                case REPLACE -> {
                    next.clear();
                    next.addAll(given);
                }
                case ADD -> next.addAll(given);
                case REMOVE -> next.removeAll(given);
            }
            if (next.equals(current)) {
                return new FlagUpdate(FlagUpdate.Result.UNCHANGED, Set.copyOf(current), modseq);
            }
            long newModseq = highest.get() + 1;
            tx.update("UPDATE folders SET highest_modseq = ? WHERE id = ?", newModseq, folderId);
            tx.update("UPDATE messages SET flags = ?, modseq = ? WHERE folder_id = ? AND uid = ?", String.join(" ", next), newModseq,
                    folderId, uid);
            return new FlagUpdate(FlagUpdate.Result.CHANGED, java.util.Collections.unmodifiableSet(next), newModseq);
        });
    }

    @Override
    public void expunge(long folderId, java.util.Collection<Long> uids) {
        if (uids.isEmpty()) {
            return;
        }
        jdbc.transaction(tx -> {
            nextModseq(tx, folderId);
            for (var uid : uids) {
                tx.update("DELETE FROM messages WHERE folder_id = ? AND uid = ?", folderId, uid);
            }
            return null;
        });
    }

    @Override
    public Optional<StoredMessage> copy(StoredMessage m, long toFolderId) {
        // A copy is a new source in the target folder (the same message may be copied there twice).
        var source = m.source().split("/")[0] + "/" + Long.toHexString(System.nanoTime());
        return jdbc.transaction(tx -> {
            // The original must still be there (another session may have expunged it or deleted its folder):
            // a session's stale view never brings deleted mail back.
            var stillThere = tx.queryOne("SELECT flags FROM messages WHERE id = ? FOR UPDATE", rs -> rs.getString(1), m.id());
            if (stillThere.isEmpty()) {
                return Optional.<StoredMessage>empty();
            }
            return insert(tx, toFolderId, new NewMessage(m.mailboxId(), source, m.blob(), m.internalDate(), m.flags(), m.headers(),
                    m.threadId(), m.parentId(), Optional.of(m.emailId())));
        });
    }

    @Override
    public Folder createFolder(long mailboxId, String name) {
        folders(mailboxId);
        var now = Jdbc.now();
        long id = jdbc.insert("INSERT INTO folders(mailbox_id, name, special_use, uidvalidity, uidnext, highest_modseq, subscribed, "
                + "created_at) VALUES (?, ?, NULL, ?, 1, 0, TRUE, ?)", mailboxId, name, now.getEpochSecond() + System.nanoTime() % 1000, now);
        return jdbc.queryOne("SELECT * FROM folders WHERE id = ?", H2MailStore::folder, id).orElseThrow();
    }

    @Override
    public boolean deleteFolder(long folderId) {
        return jdbc.update("DELETE FROM folders WHERE id = ?", folderId) == 1;
    }

    @Override
    public boolean renameFolder(long folderId, String newName) {
        return jdbc.update("UPDATE folders SET name = ?, uidvalidity = uidvalidity + 1 WHERE id = ?", newName, folderId) == 1;
    }

    @Override
    public void subscribe(long folderId, boolean subscribed) {
        jdbc.update("UPDATE folders SET subscribed = ? WHERE id = ?", subscribed, folderId);
    }

    private static long nextModseq(Jdbc tx, long folderId) {
        long modseq = tx.queryOne("SELECT highest_modseq FROM folders WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), folderId)
                .orElse(0L) + 1; // a folder deleted meanwhile: the statements after it change nothing
        tx.update("UPDATE folders SET highest_modseq = ? WHERE id = ?", modseq, folderId);
        return modseq;
    }

    @Override
    public Optional<MessageLink> byMessageId(long mailboxId, String messageId) {
        return jdbc.queryOne("SELECT id, thread_id, parent_id FROM messages WHERE mailbox_id = ? AND message_id = ? ORDER BY id LIMIT 1",
                H2MailStore::link, mailboxId, messageId);
    }

    @Override
    public List<Departure> departuresSince(Instant since) {
        // An attempt with a host is a send (purges, approvals and rejections record none); queue_attempts_at keeps this a range read.
        return jdbc.query("SELECT e.tenant_id, e.sender, e.recipient, a.at FROM queue_attempts a JOIN queue_entries e ON e.id = a.entry_id "
                        + "WHERE a.at >= ? AND a.host IS NOT NULL AND a.host <> '' ORDER BY a.at",
                rs -> new Departure(rs.getLong(1), rs.getString(2), rs.getString(3), Jdbc.instant(rs, "at")), since);
    }

    @Override
    public Optional<StoredMessage> recentByMessageId(long folderId, String messageId, Instant since) {
        var mailbox = jdbc.queryOne("SELECT mailbox_id FROM folders WHERE id = ?", rs -> rs.getLong(1), folderId);
        if (mailbox.isEmpty()) {
            return Optional.empty();
        }
        // (mailbox_id, message_id) is indexed; the folder and time narrow the few rows it finds.
        return jdbc.queryOne("SELECT * FROM messages WHERE mailbox_id = ? AND message_id = ? AND folder_id = ? AND internal_date >= ? "
                + "ORDER BY uid DESC LIMIT 1", H2MailStore::message, mailbox.get(), messageId, folderId, since);
    }

    @Override
    public Optional<MessageLink> replyTo(long mailboxId, String messageId) {
        return jdbc.queryOne("SELECT id, thread_id, parent_id FROM messages WHERE mailbox_id = ? AND in_reply_to = ? ORDER BY id LIMIT 1",
                H2MailStore::link, mailboxId, messageId);
    }

    @Override
    public Optional<Long> threadBySubject(long mailboxId, String baseSubject, Instant since) {
        return jdbc.queryOne("SELECT id FROM threads WHERE mailbox_id = ? AND base_subject = ? AND last_at >= ? "
                + "ORDER BY last_at DESC LIMIT 1", rs -> rs.getLong(1), mailboxId, baseSubject, since);
    }

    @Override
    public long createThread(long mailboxId, String baseSubject, Instant at) {
        return jdbc.insert("INSERT INTO threads(mailbox_id, base_subject, last_at) VALUES (?, ?, ?)", mailboxId,
                baseSubject.length() > 998 ? baseSubject.substring(0, 998) : baseSubject, at);
    }

    @Override
    public void touchThread(long threadId, Instant at) {
        jdbc.update("UPDATE threads SET last_at = ? WHERE id = ? AND last_at < ?", at, threadId, at);
    }

    @Override
    public boolean enqueue(QueueEntry e) {
        try {
            insertEntry(jdbc, e);
            return true;
        } catch (DuplicateException dup) {
            return false;
        }
    }

    @Override
    public List<Boolean> enqueueAll(List<QueueEntry> entries) {
        return jdbc.transaction(tx -> {
            var added = new ArrayList<Boolean>(entries.size());
            for (var e : entries) {
                // Checked first: a duplicate key inside the transaction would abort the whole of it.
                boolean known = tx.queryOne("SELECT id FROM queue_entries WHERE source = ? AND recipient = ?", rs -> rs.getLong(1),
                        e.source(), e.recipient()).isPresent();
                if (!known) {
                    insertEntry(tx, e);
                }
                added.add(!known);
            }
            return added;
        });
    }

    private static void insertEntry(Jdbc jdbc, QueueEntry e) {
        jdbc.insert("INSERT INTO queue_entries(tenant_id, mailbox_id, source, blob_segment, blob_offset, size, sender, recipient, "
                        + "dsn_notify, dsn_orcpt, dsn_ret, dsn_envid, state, due_at, attempts, created_at, stream, run) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.tenantId(), e.mailboxId(), e.source(), e.blob().segment(), e.blob().offset(), e.blob().length(), e.sender(),
                e.recipient(), e.dsnNotify(), e.dsnOrcpt(), e.dsnRet(), e.dsnEnvid(), e.state(), e.dueAt(), e.attempts(),
                e.createdAt(), e.stream(), e.run().orElse(null));
    }

    @Override
    public List<QueueEntry> queue(long tenantId) {
        return jdbc.query("SELECT * FROM queue_entries WHERE tenant_id = ? ORDER BY id", H2MailStore::queueEntry, tenantId);
    }

    @Override
    public List<QueueEntry> claimDue(Instant now, int limit) {
        return jdbc.transaction(tx -> {
            var due = tx.query("SELECT * FROM queue_entries WHERE state = 'waiting' AND due_at <= ? ORDER BY due_at, id LIMIT ? FOR UPDATE",
                    H2MailStore::queueEntry, now, limit);
            for (var e : due) {
                tx.update("UPDATE queue_entries SET state = 'sending' WHERE id = ?", e.id());
            }
            return due;
        });
    }

    @Override
    public List<Long> tenantsWithDue(Instant now) {
        return jdbc.query("SELECT DISTINCT tenant_id FROM queue_entries WHERE state = 'waiting' AND due_at <= ?", rs -> rs.getLong(1), now);
    }

    @Override
    public List<QueueEntry> claimDue(long tenantId, Instant now, int limit) {
        return claim(peekDue(tenantId, now, limit));
    }

    @Override
    public List<QueueEntry> peekDue(long tenantId, Instant now, int limit) {
        return peekDue(tenantId, now, limit, Set.of());
    }

    @Override
    public List<QueueEntry> peekDue(long tenantId, Instant now, int limit, Set<String> skip) {
        // One index-ordered range per stream (queue_tenant_due), transactional first: a sort over the
        // whole backlog, and FOR UPDATE locking every row it read, made each claim cost O(backlog).
        var due = new ArrayList<QueueEntry>();
        for (var stream : List.of(QueueEntry.TRANSACTIONAL, QueueEntry.BULK)) {
            if (due.size() >= limit) {
                break;
            }
            var domains = skip.stream().filter(k -> k.startsWith(stream + "/")).map(k -> k.substring(stream.length() + 1)).toList();
            var args = new ArrayList<Object>(List.of(tenantId, stream, now));
            var sql = new StringBuilder("SELECT * FROM queue_entries WHERE tenant_id = ? AND state = 'waiting' AND stream = ? AND due_at <= ?");
            if (!domains.isEmpty()) {
                // Filtered inside the engine: the rows of a full destination are never mapped into objects.
                sql.append(" AND LOWER(SUBSTRING(recipient, LOCATE('@', recipient) + 1)) NOT IN (")
                        .append(String.join(", ", Collections.nCopies(domains.size(), "?"))).append(')');
                args.addAll(domains);
            }
            sql.append(" ORDER BY due_at, id LIMIT ?");
            args.add(limit - due.size());
            due.addAll(jdbc.query(sql.toString(), H2MailStore::queueEntry, args.toArray()));
        }
        return due;
    }

    @Override
    public List<QueueEntry> claim(List<QueueEntry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        // Only the scheduler claims, so guarding the UPDATE on the state is enough.
        return jdbc.transaction(tx -> {
            var claimed = new ArrayList<QueueEntry>(entries.size());
            for (var e : entries) {
                if (tx.update("UPDATE queue_entries SET state = 'sending' WHERE id = ? AND state = 'waiting'", e.id()) == 1) {
                    claimed.add(e);
                }
            }
            return claimed;
        });
    }

    @Override
    public List<QueueEntry> sentSince(Instant since) {
        return jdbc.query("SELECT * FROM queue_entries WHERE created_at >= ? AND state <> 'purged' ORDER BY id", H2MailStore::queueEntry, since);
    }

    @Override
    public void settle(long entryId, String state, Instant dueAt, String reason) {
        jdbc.update("UPDATE queue_entries SET state = ?, due_at = ?, last_reply = ? WHERE id = ?", state, dueAt,
                reason.length() > 2000 ? reason.substring(0, 2000) : reason, entryId);
    }

    @Override
    public List<QueueEntry> findQueue(QueueFilter f) {
        var sql = new StringBuilder("SELECT * FROM queue_entries WHERE 1 = 1");
        var args = new ArrayList<Object>();
        f.tenantId().ifPresent(t -> {
            sql.append(" AND tenant_id = ?");
            args.add(t);
        });
        f.senderDomain().ifPresent(d -> {
            sql.append(" AND LOWER(sender) LIKE ?");
            args.add("%@" + d.toLowerCase(java.util.Locale.ROOT));
        });
        f.recipientDomain().ifPresent(d -> {
            sql.append(" AND LOWER(recipient) LIKE ?");
            args.add("%@" + d.toLowerCase(java.util.Locale.ROOT));
        });
        f.state().ifPresent(st -> {
            sql.append(" AND state = ?");
            args.add(st);
        });
        sql.append(" ORDER BY id LIMIT ?");
        args.add(f.limit());
        return jdbc.query(sql.toString(), H2MailStore::queueEntry, args.toArray());
    }

    @Override
    public List<QueueDepth> queueDepth(Optional<Long> tenantId) {
        // The reasons follow the texts the scheduler settles entries with (OutboundDeliverer, SendPolicy).
        var sql = "SELECT tenant_id, LOWER(SUBSTRING(sender, LOCATE('@', sender) + 1)) AS domain, mailbox_id, CASE"
                + " WHEN state = 'sending' THEN 'sending'"
                + " WHEN state = 'held' AND last_reply LIKE 'held: sender paused:%' THEN 'held: sender paused'"
                + " WHEN state = 'held' THEN 'held for approval'"
                + " WHEN last_reply LIKE 'deferred by policy: warm-up%' THEN 'warm-up'"
                + " WHEN last_reply LIKE 'deferred by policy: pacing%' THEN 'pacing'"
                + " WHEN last_reply LIKE 'deferred by policy:%' THEN 'policy'"
                + " WHEN attempts > 0 THEN 'retrying'"
                + " ELSE 'due' END AS reason, COUNT(*) AS n FROM queue_entries WHERE state IN ('waiting', 'held', 'sending')"
                + (tenantId.isPresent() ? " AND tenant_id = ?" : "") + " GROUP BY tenant_id, domain, mailbox_id, reason";
        return jdbc.query(sql, rs -> new QueueDepth(rs.getLong("tenant_id"), rs.getString("domain"), Jdbc.optionalLong(rs, "mailbox_id"),
                rs.getString("reason"), rs.getLong("n")), tenantId.map(t -> new Object[] {t}).orElse(new Object[0]));
    }

    @Override
    public Optional<QueueEntry> queueEntry(long entryId) {
        return jdbc.queryOne("SELECT * FROM queue_entries WHERE id = ?", H2MailStore::queueEntry, entryId);
    }

    @Override
    public List<QueueEntry> queueEntriesOf(String source) {
        return jdbc.query("SELECT * FROM queue_entries WHERE source = ? ORDER BY id", H2MailStore::queueEntry, source);
    }

    @Override
    public int retryNow(List<Long> entryIds, Instant now) {
        return jdbc.transaction(tx -> {
            int n = 0;
            for (var id : entryIds) {
                n += tx.update("UPDATE queue_entries SET due_at = ? WHERE id = ? AND state = 'waiting'", now, id);
            }
            return n;
        });
    }

    @Override
    public int purge(List<Long> entryIds, Instant now, String why) {
        return jdbc.transaction(tx -> {
            int n = 0;
            for (var id : entryIds) {
                if (tx.update("UPDATE queue_entries SET state = 'purged', last_reply = ? WHERE id = ? AND state = 'waiting'", why, id) == 1) {
                    tx.insert("INSERT INTO queue_attempts(entry_id, at, host, outcome, reply) VALUES (?, ?, ?, ?, ?)",
                            id, now, "", QueueEntry.PURGED, why);
                    n++;
                }
            }
            return n;
        });
    }

    @Override
    public void recordAttempt(long entryId, Instant at, String host, String state, Instant dueAt, int attempts, String reply) {
        var cut = reply.length() > 2000 ? reply.substring(0, 2000) : reply;
        jdbc.transaction(tx -> {
            tx.insert("INSERT INTO queue_attempts(entry_id, at, host, outcome, reply) VALUES (?, ?, ?, ?, ?)", entryId, at, host, state, cut);
            tx.update("UPDATE queue_entries SET state = ?, due_at = ?, attempts = ?, last_reply = ? WHERE id = ?",
                    state, dueAt, attempts, cut, entryId);
            return null;
        });
    }

    @Override
    public List<String[]> attempts(long entryId) {
        return jdbc.query("SELECT at, host, outcome, reply FROM queue_attempts WHERE entry_id = ? ORDER BY id",
                rs -> new String[] {Jdbc.instant(rs, "at").toString(), rs.getString("host"), rs.getString("outcome"), rs.getString("reply")},
                entryId);
    }

    @Override
    public void markDelivered(long entryId) {
        jdbc.update("UPDATE queue_entries SET state = 'delivered' WHERE id = ? AND state <> 'delivered'", entryId);
    }

    @Override
    public void checkpoint() {
        jdbc.update("CHECKPOINT SYNC");
    }

    @Override
    public int releaseSending() {
        return jdbc.update("UPDATE queue_entries SET state = 'waiting' WHERE state = 'sending'");
    }

    @Override
    public long[] spoolProgress() {
        return jdbc.queryOne("SELECT segment, position FROM spool_progress WHERE id = 1", rs -> new long[] {rs.getInt(1), rs.getLong(2)})
                .orElse(new long[] {0, 0});
    }

    @Override
    public void markSpoolProgress(int segment, long position) {
        jdbc.update("UPDATE spool_progress SET segment = ?, position = ? WHERE id = 1 AND (segment < ? OR (segment = ? AND position < ?))",
                segment, position, segment, segment, position);
    }

    private static Optional<String> opt(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static QueueEntry queueEntry(ResultSet rs) throws SQLException {
        return new QueueEntry(rs.getLong("id"), rs.getLong("tenant_id"), Jdbc.optionalLong(rs, "mailbox_id"), rs.getString("source"),
                new BlobRef(rs.getInt("blob_segment"), rs.getLong("blob_offset"), (int) rs.getLong("size")), rs.getString("sender"),
                rs.getString("recipient"), opt(rs, "dsn_notify"), opt(rs, "dsn_orcpt"), opt(rs, "dsn_ret"), opt(rs, "dsn_envid"),
                rs.getString("state"), Jdbc.instant(rs, "due_at"), rs.getInt("attempts"), Jdbc.instant(rs, "created_at"),
                rs.getString("stream"), opt(rs, "run"), opt(rs, "last_reply"));
    }

    private static MessageLink link(ResultSet rs) throws SQLException {
        return new MessageLink(rs.getLong("id"), rs.getLong("thread_id"), Jdbc.optionalLong(rs, "parent_id"));
    }

    private static Folder folder(ResultSet rs) throws SQLException {
        return new Folder(rs.getLong("id"), rs.getLong("mailbox_id"), rs.getString("name"), opt(rs, "special_use"),
                rs.getLong("uidvalidity"), rs.getLong("uidnext"), rs.getLong("highest_modseq"), rs.getBoolean("subscribed"));
    }

    private static StoredMessage message(ResultSet rs) throws SQLException {
        var refs = rs.getString("refs");
        Set<String> flags = new LinkedHashSet<>();
        var rawFlags = rs.getString("flags");
        if (!rawFlags.isEmpty()) {
            flags.addAll(Arrays.asList(rawFlags.split(" ")));
        }
        var headers = new HeaderFields(opt(rs, "message_id"), opt(rs, "in_reply_to"),
                refs == null || refs.isEmpty() ? List.of() : List.of(refs.split(" ")), opt(rs, "subject"), opt(rs, "from_addr"),
                opt(rs, "to_addr"), opt(rs, "cc_addr"), Jdbc.optionalInstant(rs, "date_hdr"));
        return new StoredMessage(rs.getLong("id"), rs.getLong("mailbox_id"), rs.getLong("folder_id"), rs.getLong("uid"),
                rs.getLong("modseq"), flags, Jdbc.instant(rs, "internal_date"),
                new BlobRef(rs.getInt("blob_segment"), rs.getLong("blob_offset"), (int) rs.getLong("size")), rs.getString("source"),
                headers, rs.getLong("thread_id"), Jdbc.optionalLong(rs, "parent_id"), Jdbc.optionalLong(rs, "email_id").orElse(rs.getLong("id")));
    }
}
