package dev.herald.server.outbound;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the tenants' queues: every poll it claims the entries that are due, groups them per
 * message and recipient domain (one SMTP transaction each), and records each attempt. 2xx →
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
    public record Settings(int workers, List<Duration> schedule, Duration maxAge, Duration poll, int maxPerDestination,
                           List<java.net.InetAddress> sourceAddresses, boolean allowPrivateRelays) {
        public Settings(int workers, List<Duration> schedule, Duration maxAge, Duration poll) {
            this(workers, schedule, maxAge, poll, Integer.MAX_VALUE, List.of(), false);
        }
    }

    /** What happens to a recipient that failed for good (the DSN comes from here). */
    @FunctionalInterface
    public interface FailureSink {
        void failed(QueueEntry entry, String host, String reply);
    }

    private final Stores stores;
    private final Spool spool;
    private final RoutePlanner routes;
    /** Transactions in progress per destination, bounded by {@link Settings#maxPerDestination}. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.Semaphore> destinations =
            new java.util.concurrent.ConcurrentHashMap<>();
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
    /** Signed bytes per message and sending domain within one poll: one signature for all its recipients. */
    private final java.util.concurrent.ConcurrentHashMap<String, byte[]> signedThisPoll = new java.util.concurrent.ConcurrentHashMap<>();

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

    /** Claims and delivers batches until fewer are due than a batch holds; then the next poll interval. */
    private void poll() {
        int capacity = settings.workers() * 16;
        while (!Thread.currentThread().isInterrupted() && pollOnce(capacity) >= capacity / 2) {
            checkpointJournal(JOURNAL_CHECKPOINT);
        }
        checkpointJournal(1);
    }

    /** With no delivery in progress: once the index is on disk, the journal's facts are no longer needed. */
    private void checkpointJournal(int atLeast) {
        if (journal.size() >= atLeast) {
            try {
                stores.mail().checkpoint();
                journal.truncate();
            } catch (java.io.IOException | RuntimeException e) {
                log.error("delivery journal checkpoint failed; it is replayed on the next start", e);
            }
        }
    }

    private int pollOnce(int capacity) {
        try {
            var due = claimFairly(clock.instant(), capacity);
            // Admission (policy before sending) runs here, on the one scheduler thread, in claim
            // order: a daily cap or a pace admits exactly its count, and the earliest entries first.
            var admitted = admitted(due);
            var groups = new LinkedHashMap<String, List<QueueEntry>>();
            for (var e : admitted) {
                // One transaction per recipient: each gets its own VERP return path, so an
                // asynchronous bounce names exactly which recipient of which message failed.
                groups.computeIfAbsent(String.valueOf(e.id()), k -> new ArrayList<>()).add(e);
            }
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (var g : groups.values()) {
                futures.add(workers.submit(() -> deliver(g)));
            }
            for (var f : futures) {
                f.get();
            }
            return due.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            log.error("outbound poll failed; the next poll tries again", e);
            return 0;
        } finally {
            signedThisPoll.clear();
        }
    }

    /**
     * Weighted fair share: the capacity of one poll is divided among the tenants that have mail due,
     * in proportion to their fair_share.weight; each takes its share transactional first. One
     * tenant's burst of 100,000 bulk messages thus cannot hold back another's password resets.
     */
    private List<QueueEntry> claimFairly(java.time.Instant now, int capacity) {
        var tenants = stores.mail().tenantsWithDue(now);
        if (tenants.isEmpty()) {
            return List.of();
        }
        var weights = new LinkedHashMap<Long, Integer>();
        tenants.forEach(t -> weights.put(t, weight(t)));
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        var out = new ArrayList<QueueEntry>();
        weights.forEach((tenant, w) -> out.addAll(stores.mail().claimDue(tenant, now, Math.max(1, capacity * w / total))));
        return out;
    }

    private int weight(long tenantId) {
        var value = tenantPolicy.ofTenant(tenantId).get("fair_share.weight");
        try {
            return Math.max(1, Math.min(1000, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            return 1000; // "unlimited": the largest share
        }
    }

    private void deliver(List<QueueEntry> group) {
        // A breaker may have paused the sender since this batch was admitted: what has not left yet waits.
        var paused = policy.breakers().pausedByBreaker(group.get(0));
        if (paused.isPresent()) {
            for (var e : group) {
                stores.mail().settle(e.id(), QueueEntry.HELD, clock.instant(), "held: " + paused.get());
                policy.events().entry(EventType.HELD, e, "breaker: " + paused.get());
            }
            return;
        }
        var first = group.get(0);
        var domain = domainOf(first.recipient());
        byte[] message;
        try {
            // Bulk copies differ per recipient (their unsubscribe link), so each is signed on its own.
            var bulk = QueueEntry.BULK.equals(first.stream());
            message = signedThisPoll.computeIfAbsent(first.source() + "|" + domainOf(first.sender()) + (bulk ? "|" + first.id() : ""),
                    k -> prepare(spool.read(first.blob()), first));
        } catch (RuntimeException e) {
            log.error("cannot prepare {} for sending", first.source(), e);
            group.forEach(en -> retry(en, null, "local error preparing the message: " + e.getMessage()));
            return;
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
            return;
        }
        var slots = destinations.computeIfAbsent(plan.destination(), d -> new java.util.concurrent.Semaphore(settings.maxPerDestination()));
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.forEach(en -> retry(en, null, "451 4.3.2 delivery interrupted by shutdown"));
            return;
        }
        try {
            send(group, message, plan);
        } finally {
            slots.release();
        }
    }

    private void send(List<QueueEntry> group, byte[] message, RoutePlanner.Plan plan) {
        var first = group.get(0);
        var hosts = plan.targets();
        var rcpts = group.stream().map(QueueEntry::recipient).toList();
        var mailFrom = verp.address(first.id(), domainOf(first.sender()));
        IOException last = null;
        for (var host : hosts) {
            try {
                var result = client.send(host, mailFrom, rcpts, message);
                var hostName = MxResolver.describe(host.host()) + (result.tls() ? " (TLS)" : "");
                var accepted = new ArrayList<Long>();
                for (int i = 0; i < group.size(); i++) {
                    if (result.perRecipient().get(i).positive()) {
                        accepted.add(group.get(i).id());
                    }
                }
                try {
                    journal.append(accepted); // on disk before the index says "delivered"
                } catch (IOException e) {
                    log.error("cannot write the delivery journal; {} is marked delivered without it", first.source(), e);
                }
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
                return;
            } catch (SmtpClient.ReplyException e) {
                last = e;
                if (e.reply.permanent()) {
                    var hostName = MxResolver.describe(host.host());
                    group.forEach(en -> fail(en, hostName, e.reply.toString()));
                    return;
                }
            } catch (IOException e) {
                last = e; // try the next MX host
            }
        }
        var why = last == null ? "no host could be reached" : last.getMessage();
        group.forEach(en -> retry(en, MxResolver.describe(hosts.get(hosts.size() - 1).host()), "451 4.4.1 " + why));
    }

    /**
     * Policy just before sending, as it may have changed while the mail waited: a recipient
     * suppressed since is dropped unsent (no DSN: the tenant's list says why); one blocked by a
     * recipient list fails with a DSN; a deferral or hold puts it back without counting an attempt.
     */
    private List<QueueEntry> admitted(List<QueueEntry> claimed) {
        var out = new ArrayList<QueueEntry>(claimed.size());
        for (var e : claimed) {
            var d = policy.beforeSending(e);
            var v = d.verdict();
            if (v instanceof dev.herald.policy.pipeline.Verdict.Reject r) {
                var reply = r.code() + " " + r.enhanced() + " " + r.text();
                if (d.step().equals("suppression")) {
                    stores.mail().settle(e.id(), QueueEntry.SUPPRESSED, clock.instant(), reply);
                    policy.events().entry(EventType.SUPPRESSED, e, "not sent: " + reply);
                } else {
                    fail(e, null, reply);
                }
            } else if (v instanceof dev.herald.policy.pipeline.Verdict.Defer defer) {
                stores.mail().settle(e.id(), QueueEntry.WAITING, defer.until(), "deferred by policy: " + defer.reason());
                // A deferral repeats every time the scheduler looks again: recorded once per reason, not once per look.
                if (!e.lastReply().orElse("").equals("deferred by policy: " + defer.reason())) {
                    policy.events().entry(EventType.DEFERRED, e, d.step() + ": " + defer.reason());
                }
            } else if (v instanceof dev.herald.policy.pipeline.Verdict.Hold hold) {
                stores.mail().settle(e.id(), QueueEntry.HELD, clock.instant(), "held: " + hold.reason());
                policy.events().entry(EventType.HELD, e, d.step() + ": " + hold.reason());
            } else {
                out.add(e);
            }
        }
        return out;
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
        ticker.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.closeIdle();
        try {
            journal.close();
        } catch (IOException e) {
            log.warn("closing the delivery journal failed", e);
        }
    }
}
