package dev.herald.server.delivery;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells open IMAP sessions that a mailbox changed (a delivery, another session's STORE, EXPUNGE,
 * COPY or APPEND), so they can report EXISTS / EXPUNGE / FETCH FLAGS and wake from IDLE.
 */
public final class MailboxEvents {
    @FunctionalInterface
    public interface Listener {
        void changed(long mailboxId);
    }

    private final Map<Long, Set<Listener>> listeners = new ConcurrentHashMap<>();

    public void subscribe(long mailboxId, Listener listener) {
        listeners.computeIfAbsent(mailboxId, id -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    public void unsubscribe(long mailboxId, Listener listener) {
        listeners.computeIfPresent(mailboxId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    public void changed(long mailboxId) {
        var set = listeners.get(mailboxId);
        if (set != null) {
            set.forEach(l -> l.changed(mailboxId));
        }
    }
}
