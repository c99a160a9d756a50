package dev.herald.server.policy;

import dev.herald.server.events.EventLog;
import dev.herald.storage.EventStore;
import dev.herald.storage.model.EventType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which day of its warm-up a sender is on. A sending domain's curve advances only on healthy days:
 * UTC days since it was added on which it sent (delivered or bounced) and its bounce rate stayed
 * under warmup.max_bounce_rate and its complaint rate under warmup.max_complaint_rate — read from
 * the event stream, once per domain per day. A dedicated source address counts its days from its
 * first use (its reputation is the domains' it carries, which are judged on their own).
 */
public final class WarmupDays {
    private record Cached(long epochDay, long warmupDay) {
    }

    private final EventStore store;
    private final EventLog events;
    private final Map<String, Cached> domains = new ConcurrentHashMap<>();
    private final Map<String, Instant> firstUse = new ConcurrentHashMap<>();

    public WarmupDays(EventStore store, EventLog events) {
        this.store = store;
        this.events = events;
    }

    /** The domain's warm-up day today (1 on the day it was added). */
    public long domainDay(String domain, Instant since, Instant now, double maxBounceRate, double maxComplaintRate) {
        long today = epochDay(now);
        var cached = domains.get(domain);
        if (cached != null && cached.epochDay() == today) {
            return cached.warmupDay();
        }
        long first = epochDay(since);
        long day = 1;
        if (today > first) {
            events.flush(); // yesterday's last sends and bounces count
            var byDay = new HashMap<Long, long[]>(); // {delivered, bounced, complained}
            for (var c : store.daily(domain, Instant.ofEpochSecond(first * 86_400L),
                    List.of(EventType.DELIVERED, EventType.BOUNCED, EventType.COMPLAINED))) {
                var row = byDay.computeIfAbsent(c.epochDay(), d -> new long[3]);
                row[c.type() == EventType.DELIVERED ? 0 : c.type() == EventType.BOUNCED ? 1 : 2] += c.count();
            }
            for (long d = first; d < today; d++) {
                var row = byDay.get(d);
                if (row == null) {
                    continue; // a day without sending teaches the mailbox providers nothing
                }
                long sends = row[0] + row[1];
                if (sends > 0 && (double) row[1] / sends < maxBounceRate && (double) row[2] / sends < maxComplaintRate) {
                    day++;
                }
            }
        }
        domains.put(domain, new Cached(today, day));
        return day;
    }

    /** The source address's warm-up day: days since it was first used, plus one. */
    public long sourceDay(String address, Instant now) {
        var since = firstUse.computeIfAbsent(address, a -> store.firstUse(a, now));
        return Math.max(1, epochDay(now) - epochDay(since) + 1);
    }

    private static long epochDay(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), 86_400L);
    }
}
