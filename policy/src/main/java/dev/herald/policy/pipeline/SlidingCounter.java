package dev.herald.policy.pipeline;

import java.time.Duration;
import java.time.Instant;

/**
 * Events counted over a sliding window, in fixed buckets (a ring): an hour in 60 one-minute
 * buckets, a day in 96 quarter-hours, 30 days in 720 hours. A bucket is the resolution: an event
 * leaves the window between one bucket length before and the window's end after it happened, so
 * a limit can be at most one bucket late to reset, never early. Thread-safe.
 */
public final class SlidingCounter {
    private final long bucketMillis;
    private final long[] counts;
    /** The bucket index (time / bucketMillis) each slot currently holds. */
    private final long[] slots;

    public SlidingCounter(Duration window, int buckets) {
        this.bucketMillis = window.toMillis() / buckets;
        this.counts = new long[buckets];
        this.slots = new long[buckets];
        java.util.Arrays.fill(slots, Long.MIN_VALUE);
    }

    public static SlidingCounter hour() {
        return new SlidingCounter(Duration.ofHours(1), 60);
    }

    public static SlidingCounter day() {
        return new SlidingCounter(Duration.ofDays(1), 96);
    }

    public static SlidingCounter month() {
        return new SlidingCounter(Duration.ofDays(30), 720);
    }

    public synchronized void add(Instant at, long n) {
        long b = Math.floorDiv(at.toEpochMilli(), bucketMillis);
        int i = (int) Math.floorMod(b, counts.length);
        if (slots[i] != b) {
            if (slots[i] > b) {
                return; // older than the window: already gone
            }
            slots[i] = b;
            counts[i] = 0;
        }
        counts[i] += n;
    }

    /** Events in the window ending at {@code now}. */
    public synchronized long count(Instant now) {
        long current = Math.floorDiv(now.toEpochMilli(), bucketMillis);
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (slots[i] > current - counts.length && slots[i] <= current) {
                total += counts[i];
            }
        }
        return total;
    }

    /**
     * When the count will have dropped to at most {@code target}: the end of the bucket whose
     * expiry takes it there. {@code now} when it already is.
     */
    public synchronized Instant freesAt(Instant now, long target) {
        long current = Math.floorDiv(now.toEpochMilli(), bucketMillis);
        long total = count(now);
        for (long b = current - counts.length + 1; b <= current && total > target; b++) {
            int i = (int) Math.floorMod(b, counts.length);
            if (slots[i] == b) {
                total -= counts[i];
                if (total <= target) {
                    return Instant.ofEpochMilli((b + counts.length) * bucketMillis);
                }
            }
        }
        return now;
    }
}
