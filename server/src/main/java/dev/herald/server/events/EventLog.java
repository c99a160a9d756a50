package dev.herald.server.events;

import dev.herald.storage.EventStore;
import dev.herald.storage.MailboxStore;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.model.Event;
import dev.herald.storage.model.EventType;
import dev.herald.storage.model.Mailbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event stream's writer. Whoever sees something happen records an event here and goes on; one
 * thread stores what has gathered in one transaction (a few hundred events cost about one commit),
 * then hands the stored events, with their ids, to the listeners (metrics, webhooks). Readers that
 * must see everything recorded so far (stats, trace) call {@link #flush} first. Events are history,
 * not mail: the few recorded in the last moments before a crash may be missing; mail never is.
 */
public final class EventLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final int BATCH = 1_000;
    private static final int BACKLOG = 200_000;

    /** Told of every stored event, in order, on the writer thread: must be quick and must not throw. */
    @FunctionalInterface
    public interface Listener {
        void stored(List<Event> events);
    }

    private final EventStore store;
    private final MailboxStore mailboxes;
    private final Clock clock;
    private final Duration retention;
    private final LinkedBlockingQueue<Event> pending = new LinkedBlockingQueue<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Mailbox → workspace: a mailbox never changes workspace, so this is looked up once. */
    private final ConcurrentHashMap<Long, Long> workspaces = new ConcurrentHashMap<>();
    private final Thread writer;
    private final Object progress = new Object();
    private long recorded;
    private long written;
    private volatile boolean running = true;
    private Instant lastTrim = Instant.EPOCH;

    private final boolean enabled;

    public EventLog(EventStore store, MailboxStore mailboxes, Clock clock, Duration retention) {
        this(store, mailboxes, clock, retention, true);
    }

    /** @param enabled false: nothing is recorded (only to measure what recording costs) */
    public EventLog(EventStore store, MailboxStore mailboxes, Clock clock, Duration retention, boolean enabled) {
        this.enabled = enabled;
        this.store = store;
        this.mailboxes = mailboxes;
        this.clock = clock;
        this.retention = retention;
        this.writer = new Thread(this::run, "event-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Told at once (on the delivering thread) of each delivered recipient and how long after its acceptance. */
    @FunctionalInterface
    public interface DeliveryListener {
        void delivered(long tenantId, java.time.Duration afterAcceptance);
    }

    private final List<DeliveryListener> deliveries = new CopyOnWriteArrayList<>();

    public void addDeliveryListener(DeliveryListener listener) {
        deliveries.add(listener);
    }

    /** Records an event about one queued recipient: its tenant, mailbox, sending domain, message and recipient. */
    public void entry(EventType type, QueueEntry e, String detail) {
        if (type == EventType.DELIVERED) {
            var now = clock.instant();
            deliveries.forEach(d -> d.delivered(e.tenantId(), java.time.Duration.between(e.createdAt(), now)));
        }
        record(new Event(0, clock.instant(), type, Optional.of(e.tenantId()), e.mailboxId().flatMap(this::workspaceOf), e.mailboxId(),
                Optional.of(domainOf(e.sender())), Optional.of(e.source()), Optional.empty(), Optional.of(e.recipient()), detail));
    }

    /** Records an event about a hosted mailbox (the sender, or for mail received, the recipient). */
    public void mailbox(EventType type, Mailbox m, Optional<String> source, Optional<String> messageId, Optional<String> recipient,
                        String detail) {
        workspaces.putIfAbsent(m.id(), m.workspaceId());
        record(new Event(0, clock.instant(), type, Optional.of(m.tenantId()), Optional.of(m.workspaceId()), Optional.of(m.id()),
                Optional.of(domainOf(m.address())), source, messageId, recipient, detail));
    }

    /** Records what an authenticated mailbox did (login, delete) for the audit trail. */
    public void agent(EventType type, dev.herald.server.smtp.session.AuthenticatedUser u, String detail) {
        record(new Event(0, clock.instant(), type, Optional.of(u.tenantId()), workspaceOf(u.mailboxId()), Optional.of(u.mailboxId()),
                Optional.of(domainOf(u.address())), Optional.empty(), Optional.empty(), Optional.empty(), detail));
    }

    public void record(Event event) {
        if (!enabled) {
            return;
        }
        synchronized (progress) {
            recorded++;
        }
        if (!running || pending.size() >= BACKLOG) {
            // Stopped, or the writer is far behind (the database is slow or failing): store it now, on this thread.
            write(List.of(event));
            return;
        }
        pending.add(event);
    }

    /** Waits (at most 10 s) until every event recorded before this call is stored. */
    public void flush() {
        long target;
        synchronized (progress) {
            target = recorded;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (progress) {
            while (written < target && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("event writer is behind: {} event(s) not yet stored", target - written);
                    return;
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Optional<Long> workspaceOf(long mailboxId) {
        var known = workspaces.get(mailboxId);
        if (known != null) {
            return Optional.of(known);
        }
        var found = mailboxes.byId(mailboxId).map(Mailbox::workspaceId);
        found.ifPresent(w -> workspaces.put(mailboxId, w));
        return found;
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private void run() {
        var batch = new ArrayList<Event>(BATCH);
        while (running || !pending.isEmpty()) {
            try {
                var first = pending.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    trimOld();
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                running = false;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Event> batch) {
        List<Event> stored = List.of();
        try {
            stored = store.append(batch);
        } catch (RuntimeException e) {
            log.error("could not store {} event(s); they are lost from the history (mail is not affected)", batch.size(), e);
        }
        synchronized (progress) {
            written += batch.size();
            progress.notifyAll();
        }
        for (var l : listeners) {
            try {
                if (!stored.isEmpty()) {
                    l.stored(stored);
                }
            } catch (RuntimeException e) {
                log.error("event listener failed", e);
            }
        }
    }

    /** Retention: once an hour, events older than `events.retention` go. */
    private void trimOld() {
        var now = clock.instant();
        if (Duration.between(lastTrim, now).compareTo(Duration.ofHours(1)) < 0) {
            return;
        }
        lastTrim = now;
        try {
            int gone = store.deleteBefore(now.minus(retention));
            if (gone > 0) {
                log.info("event retention: {} event(s) older than {} removed", gone, retention);
            }
        } catch (RuntimeException e) {
            log.warn("event retention could not trim old events: {}", e.toString());
        }
    }

    /** Stores what is pending, then stops the writer; later events are stored on the caller's thread. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
