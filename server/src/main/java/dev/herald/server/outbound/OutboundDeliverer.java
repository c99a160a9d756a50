package dev.herald.server.outbound;

import dev.herald.policy.pipeline.Verdict;
import dev.herald.server.delivery.AgentHeaders;
import dev.herald.server.dkim.DkimSigning;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.model.EventType;
import dev.herald.storage.spool.Spool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the tenants' queues as a stream: the scheduler thread claims due entries (weighted fair
 * share between tenants, transactional first) whenever there is room in flight, runs policy
 * admission on them in claim order, and hands each transaction to its destination's ready queue
 * ({@link DestinationQueues}): at most outbound.max_per_destination at once per recipient domain or
 * relay, on a shared pool of outbound.workers senders. There is no batch barrier: a destination that
 * is slow, tarpits or never answers holds only its own slots, and one that keeps failing at the
 * connection level backs off on its own while every other destination flows. Each attempt is
 * recorded. 2xx →
 * delivered; 4xx, a dropped connection or a temporary DNS failure → waiting again after the next
 * step of the backoff schedule (with ±10% jitter), until the maximum age; 5xx, a permanent route
 * failure or expiry → failed. A recipient marked delivered is never sent again, also after a crash
 * (entries left "sending" go back to waiting on start).
 */
public final class OutboundDeliverer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboundDeliverer.class);
    /** Agent headers (SPEC.md) that never leave the server. */

    /**
     * @param maxPerDestination SMTP transactions at once to one recipient domain (or one relay)
     * @param sourceAddresses   the local addresses connections are made from, in turn; empty: the system's choice
     */
    public record Settings(int workers, List<Duration> schedule, Duration maxAge, Duration poll, int maxPerDestination, int maxInFlight,
                           List<java.net.InetAddress> sourceAddresses, boolean allowPrivateRelays) {
        public Settings(int workers, List<Duration> schedule, Duration maxAge, Duration poll) {
            this(workers, schedule, maxAge, poll, Integer.MAX_VALUE, workers * 4, List.of(), false);
        }
    }

    /** Recipients per transaction at most: RFC 5321 §4.5.3.1.8 has every server accept 100. */
    static final int MAX_RECIPIENTS_PER_TRANSACTION = 100;

    /** What happens to a recipient that failed for good (the DSN comes from here). */
    @FunctionalInterface
    public interface FailureSink {
        void failed(QueueEntry entry, String host, String reply);
    }

    private final Stores stores;
    private final Spool spool;
    private final RoutePlanner routes;
    /** Ready queues per destination; a unit of work is one SMTP transaction (its entries). */
    private final DestinationQueues<List<QueueEntry>> ready;
    /** Entries claimed and not yet settled (queued at a destination or being sent), in all and per tenant. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<Long, AtomicInteger> inFlightByTenant =
            new ConcurrentHashMap<>();
    private final int maxInFlight;
    private final AtomicBoolean pollRequested = new AtomicBoolean();
    private volatile boolean closing;
    /** When the last scheduling round began (System.nanoTime). */
    private volatile long lastRoundNanos;
    /** Deliveries hold it shared from the journal write to the index update; a journal checkpoint holds it exclusively. */
    private final ReadWriteLock journalLock = new ReentrantReadWriteLock();
    private final SmtpClient client;
    private final Settings settings;
    private final Clock clock;
    private final FailureSink failures;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "outbound-scheduler"));
    private final ExecutorService workers;

    private static final int JOURNAL_CHECKPOINT = 1_000;
    private final DeliveryJournal journal;

    private final dev.herald.server.policy.SendPolicy policy;
    private final dev.herald.server.policy.EffectivePolicy tenantPolicy;
    private final VerpToken verp;
    private final dev.herald.server.policy.Unsubscribes unsubscribes;
    /** Signed bytes per message and sending domain, the most recent few: one signature for all its recipients. */
    private final java.util.Map<String, byte[]> signed = java.util.Collections.synchronizedMap(
            new LinkedHashMap<String, byte[]>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, byte[]> eldest) {
                    return size() > 256;
                }
            });

    public OutboundDeliverer(Stores stores, Spool spool, MxResolver routes, SmtpClient client, Settings settings, Clock clock,
                             FailureSink failures, java.nio.file.Path journalFile, dev.herald.server.policy.SendPolicy policy, VerpToken verp,
                             dev.herald.server.policy.Unsubscribes unsubscribes) {
        this.unsubscribes = unsubscribes;
        this.policy = policy;
        this.verp = verp;
        this.stores = stores;
        this.tenantPolicy = new dev.herald.server.policy.EffectivePolicy(stores);
        this.spool = spool;
        this.routes = new RoutePlanner(stores, routes, settings.sourceAddresses(), settings.allowPrivateRelays());
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        this.failures = failures;
        this.workers = Executors.newFixedThreadPool(settings.workers(), r -> daemon(r, "outbound"));
        this.maxInFlight = settings.maxInFlight();
        int perDestination = Math.max(1, Math.min(settings.maxPerDestination(), settings.maxInFlight()));
        this.ready = new DestinationQueues<>(perDestination, perDestination * 2, DESTINATION_BACKOFF, DESTINATION_BACKOFF_MAX,
                FAILURES_BEFORE_BACKOFF, workers, clock, this::deliver, this::finished,
                (group, until) -> group.forEach(e -> stores.mail().settle(e.id(), QueueEntry.WAITING, until,
                        "waiting: its destination is backing off after repeated connection failures")));
        this.journal = new DeliveryJournal(journalFile);
        var accepted = journal.recorded();
        accepted.forEach(id -> stores.mail().markDelivered(id)); // accepted by a remote before a crash
        stores.mail().checkpoint();
        try {
            journal.truncate();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int released = stores.mail().releaseSending();
        if (released > 0) {
            log.info("{} queue entr(y/ies) were being sent when the server stopped; they will be tried again", released);
        }
        ticker.scheduleWithFixedDelay(this::poll, settings.poll().toMillis(), settings.poll().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        var t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A destination backs off after this many connection-level failures in a row, for 30 s doubling to 10 min. */
    static final int FAILURES_BEFORE_BACKOFF = 3;
    static final Duration DESTINATION_BACKOFF = Duration.ofSeconds(30);
    static final Duration DESTINATION_BACKOFF_MAX = Duration.ofMinutes(10);
    /** Due entries looked at per tenant and round, as a multiple of its room: past a full lane to what else is due. */
    private static final int LOOK_AHEAD = 4;
    /** Rows read in plain due order per tenant and round, before looking past full destinations. */
    private static final int FIRST_PAGE = 256;
    /**
     * Rounds triggered by finished transactions are at least this far apart: at thousands of
     * transactions a second, a round per transaction was the scheduler's whole CPU (profile in
     * docs/BENCHMARKS.md); a round claims for every free slot at once, so this costs no throughput.
     */
    private static final long ROUND_SPACING_NANOS = 10_000_000L;

    /** Claims what fits in flight, as long as due entries fill what was asked for; then the next tick or finished transaction. */
    private void poll() {
        pollRequested.set(false);
        lastRoundNanos = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted() && inFlight.get() < maxInFlight && dispatch()) {
                // a tenant filled its room: there may be more due
            }
            if (journal.size() >= JOURNAL_CHECKPOINT || (inFlight.get() == 0 && journal.size() > 0)) {
                checkpointJournal();
            }
        } catch (RuntimeException e) {
            log.error("outbound scheduling failed; the next tick tries again", e);
        }
    }

    /** A transaction settled: room for more; the scheduler is asked to look again without waiting for its tick. */
    private void finished(List<QueueEntry> group) {
        inFlightByTenant.computeIfAbsent(group.get(0).tenantId(), t -> new AtomicInteger())
                .addAndGet(-group.size());
        inFlight.addAndGet(-group.size());
        // A slot of some destination is free: what waits for it may be claimed now (requests coalesce).
        if (pollRequested.compareAndSet(false, true)) {
            try {
                long wait = lastRoundNanos + ROUND_SPACING_NANOS - System.nanoTime();
                ticker.schedule(this::poll, Math.max(0, wait), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                pollRequested.set(false);
            }
        }
    }

    /** Once the index is on disk, the journal's facts are no longer needed; no delivery writes either meanwhile. */
    private void checkpointJournal() {
        journalLock.writeLock().lock();
        try {
            stores.mail().checkpoint();
            journal.truncate();
        } catch (java.io.IOException | RuntimeException e) {
            log.error("delivery journal checkpoint failed; it is replayed on the next start", e);
        } finally {
            journalLock.writeLock().unlock();
        }
    }

    /**
     * One round: each tenant with mail due gets room in flight in proportion to its
     * fair_share.weight; its due entries are looked at in order (transactional first, then bulk,
     * each oldest first). An entry whose destination lane is full is left as it is, neither claimed
     * nor counted by policy, and keeps its place. The others are admitted (policy before sending)
     * here, on the one scheduler thread, in that order — so a daily cap or a pace admits exactly its
     * count, the earliest entries first — and what policy lets go is claimed and queued at its lane.
     * @return whether this round changed anything (another may find more)
     */
    private boolean dispatch() {
        var now = clock.instant();
        var tenants = stores.mail().tenantsWithDue(now);
        if (tenants.isEmpty()) {
            return false;
        }
        var weights = new LinkedHashMap<Long, Integer>();
        tenants.forEach(t -> weights.put(t, weight(t)));
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        boolean more = false;
        var relays = new java.util.HashMap<String, Optional<String>>();
        for (var entry : weights.entrySet()) {
            long tenant = entry.getKey();
            var tenantInFlight = inFlightByTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
            int share = Math.max(1, (int) ((long) maxInFlight * entry.getValue() / total));
            int room = Math.min(share - tenantInFlight.get(), maxInFlight - inFlight.get());
            if (room <= 0) {
                continue;
            }
            var picked = new ArrayList<QueueEntry>();
            var destinationOf = new java.util.HashMap<Long, String>();
            var pending = new java.util.HashMap<String, Integer>();
            var blocked = new java.util.HashSet<String>(); // a lane found full stays full this round: order within it is kept
            var joinable = new java.util.HashMap<String, Integer>(); // transactions of this round with room for recipients
            // A first page in plain due order; if it found lanes full and more may be due, a second look
            // past those destinations' recipient domains (filtered in the database: a backlog of
            // thousands to one full destination is not read row by row on every round).
            var first = stores.mail().peekDue(tenant, now, Math.min(room * LOOK_AHEAD, FIRST_PAGE));
            var skip = new java.util.HashSet<String>();
            var seen = new java.util.HashSet<Long>();
            var candidates = new ArrayList<>(first);
            for (int page = 0; page < 2; page++) {
                for (var e : candidates) {
                    if (picked.size() == room) {
                        break;
                    }
                    if (!seen.add(e.id())) {
                        continue;
                    }
                    String destination;
                    try {
                        destination = routes.destinationKey(e, domainOf(e.recipient()), relays);
                    } catch (RuntimeException ex) {
                        log.error("cannot find the destination of queue entry {}", e.id(), ex);
                        continue;
                    }
                    var lane = lane(e);
                    var key = destination + "\0" + lane;
                    // Another recipient of a message already going to this destination rides in the same transaction: no new slot.
                    var transaction = transactionKey(e, key);
                    boolean joins = transaction != null && joinable.getOrDefault(transaction, 0) > 0;
                    int already = pending.getOrDefault(key, 0);
                    if (!joins) {
                        var refusal = blocked.contains(key) ? Optional.of(new DestinationQueues.Refusal(false, now))
                                : ready.refusal(destination, lane, already + 1);
                        if (refusal.isPresent()) {
                            blocked.add(key);
                            skip.add(e.stream() + "/" + domainOf(e.recipient()));
                            if (refusal.get().backingOff()) {
                                // Backing off for a while: set aside until then rather than looked at on every round.
                                stores.mail().settle(e.id(), QueueEntry.WAITING, refusal.get().until(),
                                        "waiting: " + destination + " is backing off after repeated connection failures");
                                more = true;
                            }
                            continue; // its lane is full: it keeps its place for the next round
                        }
                    }
                    // Policy first (in order): what it defers, holds or refuses is settled here and takes no lane room.
                    more = true;
                    if (admit(e)) {
                        if (joins) {
                            joinable.merge(transaction, -1, Integer::sum);
                        } else {
                            pending.put(key, already + 1);
                            if (transaction != null) {
                                joinable.put(transaction, MAX_RECIPIENTS_PER_TRANSACTION - 1);
                            }
                        }
                        destinationOf.put(e.id(), destination);
                        picked.add(e);
                    }
                }
                if (page > 0 || picked.size() == room || first.size() < Math.min(room * LOOK_AHEAD, FIRST_PAGE) || skip.isEmpty()) {
                    break;
                }
                candidates = new ArrayList<>(stores.mail().peekDue(tenant, now, room * LOOK_AHEAD, skip));
            }
            // One transaction per message and destination (up to 100 recipients), in claim order.
            var transactions = new LinkedHashMap<String, List<QueueEntry>>();
            for (var e : stores.mail().claim(picked)) {
                var destination = destinationOf.get(e.id());
                var transaction = transactionKey(e, destination + "\0" + lane(e));
                var group = transaction == null ? null : transactions.get(transaction);
                if (group == null || group.size() >= MAX_RECIPIENTS_PER_TRANSACTION) {
                    group = new ArrayList<>();
                    transactions.put(transaction == null ? "\1" + e.id() : transaction, group);
                }
                group.add(e);
                tenantInFlight.incrementAndGet();
                inFlight.incrementAndGet();
            }
            transactions.values().forEach(group -> ready.offer(destinationOf.get(group.get(0).id()), lane(group.get(0)), group));
        }
        return more;
    }

    /**
     * Which transaction an entry can share: the recipients of one message from one sender at one
     * destination go together, their return path naming the message (a DSN names its recipient).
     * Bulk copies differ per recipient (their unsubscribe link), so each goes on its own, with a
     * return path of its own: null.
     */
    private static String transactionKey(QueueEntry e, String destinationLane) {
        return QueueEntry.BULK.equals(e.stream()) ? null : destinationLane + "\0" + e.source() + "\0" + e.sender();
    }

    private static DestinationQueues.Lane lane(QueueEntry e) {
        return new DestinationQueues.Lane(e.tenantId(), !QueueEntry.BULK.equals(e.stream()));
    }

    private int weight(long tenantId) {
        var value = tenantPolicy.ofTenant(tenantId).get("fair_share.weight");
        try {
            return Math.max(1, Math.min(1000, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            return 1000; // "unlimited": the largest share
        }
    }

    /**
     * One transaction: prepared on a worker thread (breaker check, signing, route), then the SMTP
     * conversation on the client's I/O threads, then its outcome recorded on a worker thread again.
     * Says whether the destination answered (for its backoff).
     */
    private CompletableFuture<DestinationQueues.Outcome> deliver(List<QueueEntry> group) {
        if (closing) {
            // Stopping: not started; its entries stay "sending" and go back to waiting on the next start.
            return CompletableFuture.completedFuture(DestinationQueues.Outcome.OK);
        }
        try {
            return deliverOrThrow(group);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(unexpected(group, e));
        }
    }

    private DestinationQueues.Outcome unexpected(List<QueueEntry> group, Throwable e) {
        log.error("delivering {} failed unexpectedly; it is tried again", group.get(0).source(), e);
        group.forEach(en -> retry(en, null, "451 4.3.0 local error: " + e.getMessage()));
        return DestinationQueues.Outcome.OK; // our fault, not the destination's
    }

    private CompletableFuture<DestinationQueues.Outcome> deliverOrThrow(List<QueueEntry> group) {
        var ok = CompletableFuture.completedFuture(DestinationQueues.Outcome.OK);
        // A breaker may have paused the sender since it was admitted: what has not left yet waits.
        var paused = policy.breakers().pausedByBreaker(group.get(0));
        if (paused.isPresent()) {
            for (var e : group) {
                stores.mail().settle(e.id(), QueueEntry.HELD, clock.instant(), "held: " + paused.get());
                policy.events().entry(EventType.HELD, e, "breaker: " + paused.get());
            }
            return ok;
        }
        var first = group.get(0);
        var domain = domainOf(first.recipient());
        byte[] message;
        try {
            // Bulk copies differ per recipient (their unsubscribe link), so each is signed on its own.
            var bulk = QueueEntry.BULK.equals(first.stream());
            var key = first.source() + "|" + domainOf(first.sender()) + (bulk ? "|" + first.id() : "");
            message = signed.get(key);
            if (message == null) {
                message = prepare(spool.read(first.blob()), first);
                signed.put(key, message);
            }
        } catch (RuntimeException e) {
            log.error("cannot prepare {} for sending", first.source(), e);
            group.forEach(en -> retry(en, null, "local error preparing the message: " + e.getMessage()));
            return ok;
        }
        RoutePlanner.Plan plan;
        try {
            plan = routes.plan(first, domain);
        } catch (MxResolver.RouteException e) {
            group.forEach(en -> {
                if (e.permanent) {
                    fail(en, null, e.reply + " " + e.getMessage());
                } else {
                    retry(en, null, e.reply + " " + e.getMessage());
                }
            });
            return ok;
        }
        var rcpts = group.stream().map(QueueEntry::recipient).toList();
        // The return path names the message's first entry; a DSN about any recipient names that one in Final-Recipient.
        var mailFrom = verp.address(first.id(), domainOf(first.sender()));
        return send(group, rcpts, mailFrom, message, plan.targets(), 0, null);
    }

    /** Tries the hosts in turn from {@code next}: the first that takes the transaction (or refuses it for good) settles it. */
    private CompletableFuture<DestinationQueues.Outcome> send(List<QueueEntry> group, List<String> rcpts, String mailFrom, byte[] message,
                                                           List<Target> hosts, int next, IOException last) {
        if (next == hosts.size()) {
            var why = last == null ? "no host could be reached" : last.getMessage();
            group.forEach(en -> retry(en, MxResolver.describe(hosts.get(hosts.size() - 1).host()), "451 4.4.1 " + why));
            return CompletableFuture.completedFuture(DestinationQueues.Outcome.CONNECTION_FAILED);
        }
        var host = hosts.get(next);
        return client.send(host, mailFrom, rcpts, message).handleAsync((result, failure) -> {
            if (failure == null) {
                settle(group, result, MxResolver.describe(host.host()) + (result.tls() ? " (TLS)" : ""));
                return CompletableFuture.completedFuture(DestinationQueues.Outcome.OK);
            }
            var e = SmtpClient.unwrap(failure);
            if (e instanceof SmtpClient.ReplyException r && r.reply.permanent()) {
                var hostName = MxResolver.describe(host.host());
                group.forEach(en -> fail(en, hostName, r.reply.toString()));
                return CompletableFuture.completedFuture(DestinationQueues.Outcome.OK);
            }
            return send(group, rcpts, mailFrom, message, hosts, next + 1, e); // the next MX host
        }, workers).thenCompose(f -> f).exceptionally(e -> unexpected(group, e));
    }

    /** The journal first (on disk before the index says "delivered"), then each recipient's outcome. */
    private void settle(List<QueueEntry> group, SmtpClient.Result result, String hostName) {
        var accepted = new ArrayList<Long>();
        for (int i = 0; i < group.size(); i++) {
            if (result.perRecipient().get(i).positive()) {
                accepted.add(group.get(i).id());
            }
        }
        journalLock.readLock().lock(); // no checkpoint between the journal write and the index update
        try {
            try {
                journal.append(accepted);
            } catch (IOException e) {
                log.error("cannot write the delivery journal; {} is marked delivered without it", group.get(0).source(), e);
            }
            record(group, result, hostName);
        } finally {
            journalLock.readLock().unlock();
        }
    }

    /** Each recipient's reply: delivered, failed for good, or waiting for the next try. */
    private void record(List<QueueEntry> group, SmtpClient.Result result, String hostName) {
        for (int i = 0; i < group.size(); i++) {
            var reply = result.perRecipient().get(i);
            if (reply.positive()) {
                stores.mail().recordAttempt(group.get(i).id(), clock.instant(), hostName, QueueEntry.DELIVERED, clock.instant(),
                        group.get(i).attempts() + 1, reply.toString());
                policy.breakers().sent(group.get(i));
                policy.events().entry(EventType.DELIVERED, group.get(i), hostName + ": " + reply);
            } else if (reply.permanent()) {
                fail(group.get(i), hostName, reply.toString());
            } else {
                retry(group.get(i), hostName, reply.toString());
            }
        }
    }

    /**
     * Policy just before sending, as it may have changed while the mail waited: a recipient
     * suppressed since is dropped unsent (no DSN: the tenant's list says why); one blocked by a
     * recipient list fails with a DSN; a deferral or hold puts it back without counting an attempt.
     */
    private boolean admit(QueueEntry e) {
        var d = policy.beforeSending(e);
        var v = d.verdict();
        if (v instanceof Verdict.Reject r) {
            var reply = r.code() + " " + r.enhanced() + " " + r.text();
            if (d.step().equals("suppression")) {
                stores.mail().settle(e.id(), QueueEntry.SUPPRESSED, clock.instant(), reply);
                policy.events().entry(EventType.SUPPRESSED, e, "not sent: " + reply);
            } else {
                fail(e, null, reply);
            }
            return false;
        }
        if (v instanceof Verdict.Defer defer) {
            stores.mail().settle(e.id(), QueueEntry.WAITING, defer.until(), "deferred by policy: " + defer.reason());
            // A deferral repeats every time the scheduler looks again: recorded once per reason, not once per look.
            if (!e.lastReply().orElse("").equals("deferred by policy: " + defer.reason())) {
                policy.events().entry(EventType.DEFERRED, e, d.step() + ": " + defer.reason());
            }
            return false;
        }
        if (v instanceof Verdict.Hold hold) {
            stores.mail().settle(e.id(), QueueEntry.HELD, clock.instant(), "held: " + hold.reason());
            policy.events().entry(EventType.HELD, e, d.step() + ": " + hold.reason());
            return false;
        }
        return true;
    }

    /**
     * A remote's permanent refusal of the address itself (5.1.x: no such mailbox, bad domain), or
     * a bare 550/551/553 without an enhanced code, is a hard bounce: the tenant's suppression list
     * gets the address. Other 5xx (content, policy) count as bounces but do not suppress.
     */
    static boolean hardBounce(String reply) {
        return reply.matches("5\\d\\d 5\\.1\\.\\d+.*") || reply.matches("55[013] (?![245]\\.\\d).*");
    }

    private void retry(QueueEntry e, String host, String reply) {
        int attempts = e.attempts() + 1;
        var now = clock.instant();
        var step = settings.schedule().get(Math.min(attempts - 1, settings.schedule().size() - 1));
        long jitter = (long) (step.toMillis() * 0.1 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
        var due = now.plus(step).plusMillis(jitter);
        if (due.isAfter(e.createdAt().plus(settings.maxAge()))) {
            fail(e, host, reply + " (gave up after " + attempts + " attempts over " + settings.maxAge().toHours() + " hours)");
            return;
        }
        stores.mail().recordAttempt(e.id(), now, host, QueueEntry.WAITING, due, attempts, reply);
        policy.events().entry(EventType.DEFERRED, e, (host == null ? "" : host + ": ") + reply + "; attempt " + attempts + ", next at " + due);
    }

    private void fail(QueueEntry e, String host, String reply) {
        stores.mail().recordAttempt(e.id(), clock.instant(), host, QueueEntry.FAILED, clock.instant(), e.attempts() + 1, reply);
        policy.events().entry(EventType.BOUNCED, e, host != null ? dev.herald.server.policy.Breakers.REFUSED + host + ": " + reply : "failed: " + reply);
        if (host != null) { // the remote refused it: a send, and a bounce
            policy.breakers().sent(e);
            policy.breakers().bounced(e);
        }
        if (host != null && hardBounce(reply)) {
            policy.suppressions().add(e.tenantId(), e.recipient(), dev.herald.storage.model.Suppression.HARD_BOUNCE,
                    Optional.of(host + ": " + reply));
        }
        try {
            failures.failed(e, host, reply);
        } catch (RuntimeException ex) {
            log.error("could not report the failure of {} to {}", e.source(), e.recipient(), ex);
        }
    }

    /** The bytes to send: agent headers removed, then DKIM-signed with the sending domain's active selector. */
    private byte[] prepare(byte[] raw, QueueEntry e) {
        // Spooled without agent headers since they moved into the envelope; older spool records may still have them.
        var stripped = AgentHeaders.strip(raw);
        if (QueueEntry.BULK.equals(e.stream())) {
            // RFC 8058: the tenant's own unsubscribe, whatever the agent wrote, signed with the rest.
            var own = AgentHeaders.strip(stripped, List.of("list-unsubscribe", "list-unsubscribe-post"));
            var head = unsubscribes.headers(e).getBytes(StandardCharsets.US_ASCII);
            var withLinks = new byte[head.length + own.length];
            System.arraycopy(head, 0, withLinks, 0, head.length);
            System.arraycopy(own, 0, withLinks, head.length, own.length);
            stripped = withLinks;
        }
        var senderDomain = domainOf(e.sender());
        var domain = stores.domains().byName(senderDomain);
        if (domain.isEmpty()) {
            return stripped; // not a hosted domain (cannot happen for submissions): sent unsigned
        }
        var key = stores.domains().dkimKeys(domain.get().id()).stream().filter(k -> k.active()).findFirst();
        return key.isPresent() ? DkimSigning.sign(stripped, senderDomain, key.get()) : stripped;
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        closing = true;
        ticker.shutdownNow();
        // A short grace for transactions about to end; then the connections slow remotes hold are cut
        // (their recipients stay "sending" and are tried again after the restart). The workers stay up
        // meanwhile: a transaction the remote has just accepted is still recorded.
        awaitIdle(Duration.ofSeconds(2));
        client.abortAll();
        awaitIdle(Duration.ofSeconds(10));
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        try {
            journal.close();
        } catch (IOException e) {
            log.warn("closing the delivery journal failed", e);
        }
    }

    private void awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
