package dev.herald.server.events;

import dev.herald.storage.AuditStore;
import dev.herald.storage.MailboxStore;
import dev.herald.storage.model.AuditEntry;
import dev.herald.storage.model.Event;
import dev.herald.storage.model.EventType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log, read off the event stream: every admin action (changes over the HTTP API) and
 * every agent action per mailbox (login, send, delete) becomes an entry whose hash covers its
 * fields and the hash of the entry before it (the first follows 64 zeros). Editing, removing or
 * inserting an entry breaks the chain at that entry, which {@link #verify} names. Entries are
 * appended on the event writer's thread, in event order, so the chain has one writer.
 */
public final class AuditLog implements EventLog.Listener {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    public static final String GENESIS = "0".repeat(64);

    /** The result of a verification: ok, or the first entry that does not hold and why. */
    public record Verification(boolean ok, long entries, Optional<Long> brokenAt, Optional<String> reason) {
    }

    private final AuditStore store;
    private final MailboxStore mailboxes;
    private final Map<Long, String> addresses = new ConcurrentHashMap<>();
    private long lastId;
    private String lastHash;

    public AuditLog(AuditStore store, MailboxStore mailboxes) {
        this.store = store;
        this.mailboxes = mailboxes;
        var last = store.last();
        this.lastId = last.map(AuditEntry::id).orElse(0L);
        this.lastHash = last.map(AuditEntry::hash).orElse(GENESIS);
    }

    /** Whether an event is an action the audit log keeps. */
    static boolean audited(Event e) {
        return e.type() == EventType.ADMIN || e.type() == EventType.LOGIN || e.type() == EventType.LOGIN_FAILED || e.type() == EventType.DELETED
                || (e.type() == EventType.ACCEPTED && e.mailboxId().isPresent());
    }

    @Override
    public synchronized void stored(List<Event> events) {
        var entries = new ArrayList<AuditEntry>();
        long id = lastId;
        var prev = lastHash;
        for (var e : events) {
            if (!audited(e)) {
                continue;
            }
            var at = e.at().truncatedTo(ChronoUnit.MICROS); // what the database keeps, so the hash verifies on reading
            var actor = actor(e);
            var action = e.type() == EventType.ACCEPTED ? "send" : e.type().wire();
            var detail = e.detail().length() > 2000 ? e.detail().substring(0, 2000) : e.detail();
            id++;
            var hash = hash(prev, id, e.id(), at.toString(), e.tenantId(), e.mailboxId(), actor, action, detail);
            entries.add(new AuditEntry(id, e.id(), at, e.tenantId(), e.mailboxId(), actor, action, detail, prev, hash));
            prev = hash;
        }
        if (entries.isEmpty()) {
            return;
        }
        try {
            store.append(entries);
            lastId = id;
            lastHash = prev;
        } catch (RuntimeException ex) {
            log.error("could not append {} audit entr(y/ies); the chain continues from entry {}", entries.size(), lastId, ex);
        }
    }

    public List<AuditEntry> list(Optional<Long> tenantId, long afterId, int limit) {
        return store.list(tenantId, afterId, limit);
    }

    /** Walks the whole chain: ids without gaps, each entry's prev_hash the hash before it, each hash recomputed. */
    public Verification verify() {
        long expectedId = 1;
        var prev = GENESIS;
        long count = 0;
        long after = 0;
        while (true) {
            var batch = store.list(Optional.empty(), after, 10_000);
            for (var e : batch) {
                if (e.id() != expectedId) {
                    return broken(count, e.id(), "entry " + expectedId + (e.id() > expectedId ? " is missing" : " is out of order")
                            + " (found entry " + e.id() + " next)");
                }
                if (!e.prevHash().equals(prev)) {
                    return broken(count, e.id(), "its link to the entry before does not match (an entry was removed, replaced or inserted)");
                }
                var recomputed = hash(e.prevHash(), e.id(), e.eventId(), e.at().toString(), e.tenantId(), e.mailboxId(), e.actor(),
                        e.action(), e.detail());
                if (!recomputed.equals(e.hash())) {
                    return broken(count, e.id(), "its content does not match its hash (the entry was edited)");
                }
                prev = e.hash();
                expectedId++;
                count++;
                after = e.id();
            }
            if (batch.size() < 10_000) {
                return new Verification(true, count, Optional.empty(), Optional.empty());
            }
        }
    }

    private static Verification broken(long count, long id, String reason) {
        return new Verification(false, count, Optional.of(id), Optional.of(reason));
    }

    private String actor(Event e) {
        if (e.type() == EventType.ADMIN) {
            int colon = e.detail().indexOf(": ");
            return colon > 0 ? e.detail().substring(0, colon) : "unknown key";
        }
        if (e.type() == EventType.LOGIN_FAILED) {
            return "client " + e.source().orElse("unknown");
        }
        return e.mailboxId().map(id -> "mailbox " + addresses.computeIfAbsent(id,
                k -> mailboxes.byId(k).map(m -> m.address()).orElse("#" + k))).orElse("server");
    }

    /** SHA-256 over every field, each length-prefixed so no two different entries read the same. */
    static String hash(String prev, long id, long eventId, String at, Optional<Long> tenant, Optional<Long> mailbox, String actor,
                       String action, String detail) {
        var sb = new StringBuilder();
        for (var field : new String[] {prev, Long.toString(id), Long.toString(eventId), at, tenant.map(String::valueOf).orElse(""),
                mailbox.map(String::valueOf).orElse(""), actor, action, detail}) {
            sb.append(field.length()).append(':').append(field).append(';');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
