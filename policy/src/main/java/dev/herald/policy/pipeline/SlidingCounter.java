package dev.herald.policy.pipeline;

import java.time.Duration;
import java.time.Instant;

/**
 * Events counted over a sliding window, in fixed buckets (a ring): an hour in 60 one-minute
 * buckets, a day in 96 quarter-hours, 30 days in 720 hours. A bucket is the resolution. The ring
 * holds one bucket more than the window: the bucket an event fell in is kept whole until the window
 * has passed since that bucket's end, so an event is counted for at least the whole window after it
 * happened and at most one bucket longer — a limit may reset up to one bucket late, never early
 * (a receiver counting the same sliding window never sees more than the limit). A calendar counter
 * ({@link #calendar}) instead counts the current period (a UTC day) and empties when it ends.
 * Thread-safe.
 */
public final class SlidingCounter {
    private final long bucketMillis;
    private final long[] counts;
    /** The bucket index (time / bucketMillis) each slot currently holds. */
    private final long[] slots;
    /**
     * The newest bucket seen, and the sum of the slots within the window ending there: kept as
     * time moves on, so a count is O(1) — the policy decision (five windows per recipient) must
     * stay in microseconds with 10,000 mailboxes in state.
     */
    private long head = Long.MIN_VALUE;
    private long total;

    public SlidingCounter(Duration window, int buckets) {
        this(window.toMillis() / buckets, buckets + 1);
    }

    private SlidingCounter(long bucketMillis, int ring) {
        this.bucketMillis = bucketMillis;
        this.counts = new long[ring];
        this.slots = new long[ring];
        java.util.Arrays.fill(slots, Long.MIN_VALUE);
    }

    /** Events in the current period only (e.g. this UTC day), emptied when the period ends. */
    public static SlidingCounter calendar(Duration period) {
        return new SlidingCounter(period.toMillis(), 1);
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

    private long bucket(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), bucketMillis);
    }

    /** Moves the window's end to bucket {@code b}, dropping what falls out of it. */
    private void advanceTo(long b) {
        if (head != Long.MIN_VALUE && b <= head) {
            return;
        }
        if (head == Long.MIN_VALUE || b - head >= counts.length) {
            java.util.Arrays.fill(counts, 0);
            total = 0;
        } else {
            for (long x = head + 1; x <= b; x++) {
                int i = (int) Math.floorMod(x, counts.length);
                total -= counts[i];
                counts[i] = 0;
            }
        }
        head = b;
    }

    public synchronized void add(Instant at, long n) {
        long b = bucket(at);
        advanceTo(b);
        if (b <= head - counts.length) {
            return; // older than the window: already gone
        }
        int i = (int) Math.floorMod(b, counts.length);
        if (slots[i] != b) {
            slots[i] = b;
            counts[i] = 0;
        }
        counts[i] += n;
        total += n;
    }

    /** Events in the window ending at {@code now}. */
    public synchronized long count(Instant now) {
        long current = bucket(now);
        if (head == Long.MIN_VALUE || current >= head) {
            advanceTo(current);
            return total;
        }
        long sum = 0; // asked about an earlier moment than one already seen: count it out
        for (int i = 0; i < counts.length; i++) {
            if (slots[i] > current - counts.length && slots[i] <= current) {
                sum += counts[i];
            }
        }
        return sum;
    }

    /**
     * When the count will have dropped to at most {@code target}: the end of the bucket whose
     * expiry takes it there. {@code now} when it already is.
     */
    public synchronized Instant freesAt(Instant now, long target) {
        long current = bucket(now);
        long sum = count(now);
        for (long b = current - counts.length + 1; b <= current && sum > target; b++) {
            int i = (int) Math.floorMod(b, counts.length);
            if (slots[i] == b) {
                sum -= counts[i];
                if (sum <= target) {
                    return Instant.ofEpochMilli((b + counts.length) * bucketMillis);
                }
            }
        }
        return now;
    }
}
