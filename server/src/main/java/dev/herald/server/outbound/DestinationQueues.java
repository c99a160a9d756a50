package dev.herald.server.outbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Ready queues per destination (a recipient domain, or a relay), as Postfix's queue manager and
 * KumoMTA's ready queues keep them: work for a destination waits in its own queue and takes one of
 * the destination's own slots (at most {@code maxActive} transactions at once), so a destination
 * that is slow, tarpits or never answers holds only its own slots, never a sender another
 * destination needs. Within a destination each tenant and stream has its own lane, served in turn,
 * transactional lanes before bulk ones: a tenant's backlog to gmail.com does not queue another
 * tenant's password reset behind it. A destination whose transactions keep failing at the
 * connection level (no answer, timeouts, 421) backs off on its own, handing back what waits for it.
 *
 * <p>The scheduler asks {@link #refusal} before it claims an entry, so that work a destination
 * cannot take now is never claimed (nor counted by policy), and then {@link #offer}s it.
 *
 * @param <W> one unit of work (one SMTP transaction)
 */
final class DestinationQueues<W> {
    /** What a finished transaction tells its destination. */
    enum Outcome { OK, CONNECTION_FAILED }

    /** A tenant's transactional or bulk mail within one destination. */
    record Lane(long tenantId, boolean transactional) {
    }

    /** Why work is not taken now: its lane is full, or the destination backs off until {@code until}. */
    record Refusal(boolean backingOff, Instant until) {
    }

    private static final class Destination<W> {
        final Map<Lane, ArrayDeque<W>> lanes = new LinkedHashMap<>();
        /** Lanes in the order they are served next (round robin). */
        final ArrayDeque<Lane> turn = new ArrayDeque<>();
        int active;
        int failuresInARow;
        Instant backoffUntil = Instant.MIN;

        boolean idle() {
            return active == 0 && lanes.values().stream().allMatch(ArrayDeque::isEmpty);
        }

        /** The next work: the first transactional lane in turn that has some, else the first bulk one; that lane goes to the back. */
        W next() {
            for (boolean transactional : new boolean[] {true, false}) {
                for (var lane : turn) {
                    var q = lanes.get(lane);
                    if (lane.transactional() == transactional && q != null && !q.isEmpty()) {
                        turn.remove(lane);
                        turn.addLast(lane);
                        return q.poll();
                    }
                }
            }
            return null;
        }

        List<W> drain() {
            var out = new ArrayList<W>();
            lanes.values().forEach(out::addAll);
            lanes.clear();
            turn.clear();
            return out;
        }
    }

    private final int maxActive;
    private final int maxWaiting;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final int failuresBeforeBackoff;
    private final Executor executor;
    private final Clock clock;
    private final Function<W, CompletableFuture<Outcome>> run;
    private final Consumer<W> done;
    private final BiConsumer<W, Instant> handBack;
    private final Map<String, Destination<W>> destinations = new HashMap<>();

    /**
     * @param maxActive  transactions at once per destination
     * @param maxWaiting work waiting per lane of a destination (more is refused until some leaves)
     * @param run        starts one transaction (on the executor) and says how it went when it ends; the slot is held until then
     * @param done       after {@code run} or {@code handBack}, whatever happened
     * @param handBack   work that waited when its destination began to back off: not run, to be tried after the instant
     */
    DestinationQueues(int maxActive, int maxWaiting, Duration backoff, Duration maxBackoff, int failuresBeforeBackoff, Executor executor,
                      Clock clock, Function<W, CompletableFuture<Outcome>> run, Consumer<W> done, BiConsumer<W, Instant> handBack) {
        this.maxActive = maxActive;
        this.maxWaiting = maxWaiting;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.failuresBeforeBackoff = failuresBeforeBackoff;
        this.executor = executor;
        this.clock = clock;
        this.run = run;
        this.done = done;
        this.handBack = handBack;
    }

    /**
     * Whether {@code destination} would take {@code more} further pieces of work in {@code lane} now;
     * empty when it would.
     */
    synchronized Optional<Refusal> refusal(String destination, Lane lane, int more) {
        var d = destinations.get(destination);
        if (d == null) {
            return more <= maxWaiting + maxActive ? Optional.empty() : Optional.of(new Refusal(false, clock.instant()));
        }
        var now = clock.instant();
        if (d.backoffUntil.isAfter(now)) {
            return Optional.of(new Refusal(true, d.backoffUntil));
        }
        var q = d.lanes.get(lane);
        int waiting = q == null ? 0 : q.size();
        int free = Math.max(0, maxActive - d.active);
        return waiting + more <= maxWaiting + free ? Optional.empty() : Optional.of(new Refusal(false, now));
    }

    /** Queues {@code work} in its lane of {@code destination} and starts what the destination's free slots allow. */
    synchronized void offer(String destination, Lane lane, W work) {
        var d = destinations.computeIfAbsent(destination, k -> new Destination<>());
        d.lanes.computeIfAbsent(lane, l -> {
            d.turn.addLast(l);
            return new ArrayDeque<>();
        }).add(work);
        pump(destination, d);
    }

    private void pump(String name, Destination<W> d) {
        while (d.active < maxActive) {
            var work = d.next();
            if (work == null) {
                return;
            }
            d.active++;
            try {
                executor.execute(() -> {
                    CompletableFuture<Outcome> running;
                    try {
                        running = run.apply(work);
                    } catch (RuntimeException e) {
                        running = CompletableFuture.failedFuture(e);
                    }
                    running.whenComplete((outcome, e) -> {
                        finished(name, d, e == null ? outcome : Outcome.CONNECTION_FAILED);
                        done.accept(work);
                    });
                });
            } catch (RejectedExecutionException shuttingDown) {
                // Stopping: what has not started stays claimed in the queue and is tried again after the restart.
                d.active--;
                d.drain();
                return;
            }
        }
    }

    private void finished(String name, Destination<W> d, Outcome outcome) {
        List<W> back = List.of();
        Instant until;
        synchronized (this) {
            d.active--;
            if (outcome == Outcome.OK) {
                d.failuresInARow = 0;
                d.backoffUntil = Instant.MIN;
            } else if (++d.failuresInARow >= failuresBeforeBackoff) {
                // Doubling with each further failure, up to the maximum: a dead host is asked less and less often.
                int steps = Math.min(d.failuresInARow - failuresBeforeBackoff, 16);
                var wait = backoff.multipliedBy(1L << steps);
                d.backoffUntil = clock.instant().plus(wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait);
                back = d.drain(); // waiting behind a dead host helps nobody
            }
            until = d.backoffUntil;
            pump(name, d);
            if (d.idle() && d.failuresInARow == 0) {
                destinations.remove(name, d); // idle and healthy: nothing to remember
            }
        }
        for (var w : back) {
            handBack.accept(w, until);
            done.accept(w);
        }
    }
}
