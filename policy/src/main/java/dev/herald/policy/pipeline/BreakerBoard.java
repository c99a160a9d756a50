package dev.herald.policy.pipeline;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Circuit breakers: per sender (a mailbox, a sending domain, a tenant — any key), sends and
 * bounces (and complaints) over the last 24 hours. Below the minimum volume a sender is healthy
 * whatever its rates; at the review rate it is under review (keeps sending, an admin is told); at
 * the pause rate it is paused, and stays paused — only {@link #reset} (an admin's resume) clears
 * it, with a fresh window. Pure bookkeeping: the server decides what a pause means.
 */
public final class BreakerBoard {
    public enum State { HEALTHY, REVIEW, PAUSED }

    /** The thresholds of a sender, from its policy (breaker.*). Rates are fractions (0.05 = 5%). */
    public record Thresholds(long minVolume, double bounceReview, double bouncePause, double complaintReview, double complaintPause) {
    }

    /** Where a sender stands: its state and the figures it was judged on. */
    public record Standing(State state, long sends, long bounces, long complaints) {
        public double bounceRate() {
            return sends == 0 ? 0 : (double) bounces / sends;
        }

        public double complaintRate() {
            return sends == 0 ? 0 : (double) complaints / sends;
        }
    }

    private static final class Sender {
        final SlidingCounter sends = SlidingCounter.day();
        final SlidingCounter bounces = SlidingCounter.day();
        final SlidingCounter complaints = SlidingCounter.day();
        volatile boolean paused;
    }

    private final ConcurrentHashMap<Object, Sender> senders = new ConcurrentHashMap<>();

    public void sent(Object key, Instant at) {
        sender(key).sends.add(at, 1);
    }

    public void bounced(Object key, Instant at) {
        sender(key).bounces.add(at, 1);
    }

    public void complained(Object key, Instant at) {
        sender(key).complaints.add(at, 1);
    }

    /** Judges the sender now; once paused it stays paused until {@link #reset}. */
    public Standing judge(Object key, Thresholds t, Instant now) {
        var s = sender(key);
        long sends = s.sends.count(now);
        long bounces = s.bounces.count(now);
        long complaints = s.complaints.count(now);
        // A bounce can be reported without its send in the window (an old message): count it as sent too.
        long volume = Math.max(sends, bounces);
        var standing = new Standing(State.HEALTHY, volume, bounces, complaints);
        if (s.paused) {
            return new Standing(State.PAUSED, volume, bounces, complaints);
        }
        if (volume < t.minVolume()) {
            return standing;
        }
        if (standing.bounceRate() >= t.bouncePause() || standing.complaintRate() >= t.complaintPause()) {
            s.paused = true;
            return new Standing(State.PAUSED, volume, bounces, complaints);
        }
        if (standing.bounceRate() >= t.bounceReview() || standing.complaintRate() >= t.complaintReview()) {
            return new Standing(State.REVIEW, volume, bounces, complaints);
        }
        return standing;
    }

    /**
     * The sender's figures now, without judging (no state change): {@code state} is what it was
     * last judged, a pause whatever it was.
     */
    public Standing peek(Object key, State state, Instant now) {
        var s = senders.get(key);
        if (s == null) {
            return new Standing(state, 0, 0, 0);
        }
        long bounces = s.bounces.count(now);
        return new Standing(s.paused ? State.PAUSED : state, Math.max(s.sends.count(now), bounces), bounces, s.complaints.count(now));
    }

    /** The sender was paused before a restart (its windows refilled from history): it stays paused. */
    public void markPaused(Object key) {
        sender(key).paused = true;
    }

    public boolean paused(Object key) {
        var s = senders.get(key);
        return s != null && s.paused;
    }

    /** An admin resumed the sender: a fresh start, its old rates forgotten. */
    public void reset(Object key) {
        senders.remove(key);
    }

    private Sender sender(Object key) {
        return senders.computeIfAbsent(key, k -> new Sender());
    }
}
