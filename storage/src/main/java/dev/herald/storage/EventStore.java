package dev.herald.storage;

import dev.herald.storage.model.Event;
import dev.herald.storage.model.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The durable event stream: appended in batches, read by tenant and time, by message, or counted. */
public interface EventStore {
    /** What to read: every present field narrows; events after {@code afterId}, oldest first. */
    record Query(Optional<Long> tenantId, Optional<Instant> since, List<EventType> types, Optional<String> source,
                 Optional<String> messageId, long afterId, int limit) {
    }

    /**
     * How many events of one kind one sender (tenant, sending domain, mailbox) had. The kind is the
     * event type's wire name, except that a bounce reported after the remote had accepted the
     * message (a DSN) is {@code bounced_late}: it was already counted as delivered.
     */
    /**
     * How many events of one kind a sender had, and how many distinct messages they were about
     * ({@code messages}: distinct queue id and recipient: a recipient deferred three times is one).
     */
    record Count(long tenantId, Optional<String> domain, Optional<Long> mailboxId, String kind, long count, long messages) {
        public Count(long tenantId, Optional<String> domain, Optional<Long> mailboxId, String kind, long count) {
            this(tenantId, domain, mailboxId, kind, count, count);
        }
    }

    /** How many events of one type a sending domain had on one UTC day (days since the epoch). */
    record DayCount(long epochDay, EventType type, long count) {
    }

    /** Stores the events in one transaction. @return them with their ids */
    List<Event> append(List<Event> events);

    List<Event> find(Query query);

    /** Counts per tenant, sending domain, mailbox and type since {@code since}: one tenant's, or every tenant's. */
    List<Count> counts(Optional<Long> tenantId, Instant since);

    /** Counts of the given types per UTC day for one domain since {@code since}. */
    List<DayCount> daily(String domain, Instant since, List<EventType> types);

    /** How many events of a type whose detail starts with {@code detailPrefix} there are (within retention). */
    long count(EventType type, String detailPrefix);

    /** The sources (queue ids) of the messages with this Message-ID header. */
    List<String> sourcesOf(String messageId);

    /** Deletes events older than {@code before} (retention). @return how many */
    int deleteBefore(Instant before);

    /** When a source address was first used, recording {@code now} the first time it is asked. */
    Instant firstUse(String address, Instant now);
}
