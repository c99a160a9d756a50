package dev.herald.server.policy;

import dev.herald.policy.PolicyNumbers;
import dev.herald.policy.pipeline.BreakerBoard;
import dev.herald.policy.pipeline.BreakerBoard.State;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.model.EventType;
import dev.herald.storage.model.Status;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breakers of every sender — mailbox, sending domain, tenant — fed by sends and
 * bounces (synchronous 5xx and late DSNs) and complaints. Under review: an event, logged and
 * listed, mail keeps flowing. Paused: the mailbox, domain or tenant is set paused in the database
 * (submission answers 550 5.7.1 saying so and how to resume); queued mail of a paused sender is
 * held, not sent. Only an admin resumes a sender the breaker paused, and the resume starts its
 * window afresh. Every change of state is an event; on start the last 24 hours of delivered,
 * bounced and complained events refill the windows, and the breaker events say who it paused.
 */
public final class Breakers {
    private static final Logger log = LoggerFactory.getLogger(Breakers.class);

    public record MailboxKey(long id) {
    }

    public record DomainKey(String name) {
    }

    public record TenantKey(long id) {
    }

    /** A change of state, for `GET /v1/breakers` (and, with issue 7, the event stream). */
    public record Transition(long tenantId, String scope, String sender, State state, Instant at, long sends, long bounces,
                             double bounceRate, long complaints) {
    }

    private final BreakerBoard board = new BreakerBoard();
    private final Stores stores;
    private final EffectivePolicy policy;
    private final Clock clock;
    private final Map<Object, State> last = new ConcurrentHashMap<>();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();
    private final dev.herald.server.events.EventLog events;

    /** How a BOUNCED event's detail starts: the remote refused it now (a send and a bounce). */
    public static final String REFUSED = "refused by ";
    /** How a BOUNCED event's detail starts: a DSN came back after the remote had accepted it (a bounce). */
    public static final String BOUNCED_LATER = "bounced after delivery: ";
    private static final java.util.regex.Pattern TRANSITION = java.util.regex.Pattern.compile(
            "(mailbox|domain|tenant) (\\S+) is now (healthy|review|paused) \\((\\d+) bounces and (\\d+) complaints in (\\d+) sends.*");

    public Breakers(Stores stores, Clock clock, dev.herald.server.events.EventLog events) {
        this.stores = stores;
        this.policy = new EffectivePolicy(stores);
        this.clock = clock;
        this.events = events;
        replay();
    }

    /** Refills the windows from the event stream and remembers which senders the breaker paused. */
    private void replay() {
        var now = clock.instant();
        var since = now.minus(java.time.Duration.ofDays(1));
        long after = 0;
        while (true) {
            var batch = stores.events().find(new dev.herald.storage.EventStore.Query(java.util.Optional.empty(), java.util.Optional.of(since),
                    List.of(EventType.DELIVERED, EventType.BOUNCED, EventType.COMPLAINED), java.util.Optional.empty(), java.util.Optional.empty(),
                    after, 10_000));
            for (var e : batch) {
                if (e.tenantId().isEmpty() || e.domain().isEmpty()) {
                    continue;
                }
                var keys = keys(e.mailboxId(), e.domain().get(), e.tenantId().get());
                switch (e.type()) {
                    case DELIVERED -> keys.forEach(k -> board.sent(k, e.at()));
                    case COMPLAINED -> keys.forEach(k -> board.complained(k, e.at()));
                    default -> {
                        if (e.detail().startsWith(REFUSED)) {
                            keys.forEach(k -> board.sent(k, e.at()));
                        }
                        if (e.detail().startsWith(REFUSED) || e.detail().startsWith(BOUNCED_LATER)) {
                            keys.forEach(k -> board.bounced(k, e.at()));
                        }
                    }
                }
                after = e.id();
            }
            if (batch.size() < 10_000) {
                break;
            }
        }
        // The last state change of each sender: the breaker's pause stands while the sender is still paused.
        var lastState = new java.util.LinkedHashMap<Object, Transition>();
        long afterId = 0;
        while (true) {
            var batch = stores.events().find(new dev.herald.storage.EventStore.Query(java.util.Optional.empty(), java.util.Optional.empty(),
                    List.of(EventType.BREAKER), java.util.Optional.empty(), java.util.Optional.empty(), afterId, 10_000));
            for (var e : batch) {
                afterId = e.id();
                var m = TRANSITION.matcher(e.detail());
                if (e.tenantId().isEmpty() || !m.matches()) {
                    continue;
                }
                var key = keyOf(m.group(1), m.group(2), e.tenantId().get());
                if (key.isEmpty()) {
                    continue;
                }
                var t = new Transition(e.tenantId().get(), m.group(1), m.group(2), State.valueOf(m.group(3).toUpperCase(Locale.ROOT)), e.at(),
                        Long.parseLong(m.group(6)), Long.parseLong(m.group(4)), 0, Long.parseLong(m.group(5)));
                lastState.put(key.get(), t);
                transitions.add(t);
            }
            if (batch.size() < 10_000) {
                break;
            }
        }
        lastState.forEach((key, t) -> {
            if (t.state() == State.PAUSED && stillPaused(key)) {
                board.markPaused(key);
            }
            if (t.state() != State.HEALTHY) {
                last.put(key, t.state());
            }
        });
    }

    private java.util.Optional<Object> keyOf(String scope, String name, long tenantId) {
        return switch (scope) {
            case "mailbox" -> stores.mailboxes().byAddress(name).map(m -> (Object) new MailboxKey(m.id()));
            case "domain" -> java.util.Optional.of(new DomainKey(name));
            default -> java.util.Optional.of(new TenantKey(tenantId));
        };
    }

    private boolean stillPaused(Object key) {
        if (key instanceof MailboxKey m) {
            return stores.mailboxes().byId(m.id()).map(x -> x.status() == Status.PAUSED).orElse(false);
        }
        if (key instanceof DomainKey d) {
            return stores.domains().byName(d.name()).map(x -> x.status() == Status.PAUSED).orElse(false);
        }
        return stores.tenants().byId(((TenantKey) key).id()).map(x -> x.status() == Status.PAUSED).orElse(false);
    }

    /** Where a sender stands now, for stats: its state and the last 24 hours' figures. */
    public BreakerBoard.Standing standing(Object key) {
        return board.peek(key, last.getOrDefault(key, State.HEALTHY), clock.instant());
    }

    /** A recipient the remote accepted (or refused: call {@link #bounced} too). */
    public void sent(QueueEntry e) {
        var now = clock.instant();
        keys(e).forEach(k -> board.sent(k, now));
        judge(e, now);
    }

    public void bounced(QueueEntry e) {
        var now = clock.instant();
        keys(e).forEach(k -> board.bounced(k, now));
        judge(e, now);
    }

    /** A recipient complained (feedback loop): counts against the complaint rates. */
    public void complained(QueueEntry e) {
        var now = clock.instant();
        keys(e).forEach(k -> board.complained(k, now));
        judge(e, now);
    }

    /** An admin resumed a domain: its window starts afresh, its mail held for the pause goes out. */
    public void resumedDomain(long tenantId, String domain) {
        var key = new DomainKey(domain.toLowerCase(Locale.ROOT));
        board.reset(key);
        if (last.remove(key) != null) {
            transition(tenantId, java.util.Optional.empty(), "domain", key.name(), new BreakerBoard.Standing(State.HEALTHY, 0, 0, 0),
                    "resumed by an admin");
        }
        releaseHeld(tenantId, e -> e.sender().toLowerCase(Locale.ROOT).endsWith("@" + key.name()));
    }

    /**
     * Whether the breaker paused this entry's mailbox, domain or tenant (in memory, no I/O): checked
     * again just before sending, as a pause can come between admission and sending.
     */
    public java.util.Optional<String> pausedByBreaker(QueueEntry e) {
        for (var key : keys(e)) {
            if (board.paused(key)) {
                var what = key instanceof MailboxKey ? "mailbox " + e.sender() : key instanceof DomainKey d ? "domain " + d.name() : "tenant";
                return java.util.Optional.of(SendPolicy.PAUSED_PREFIX + what + " is paused by its circuit breaker");
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether the breaker (not a person) paused this domain: then only an admin may resume it. */
    public boolean pausedDomain(String domain) {
        return board.paused(new DomainKey(domain.toLowerCase(Locale.ROOT)));
    }

    /** Whether the breaker (not a person) paused this mailbox: then only an admin may resume it. */
    public boolean pausedMailbox(long mailboxId) {
        return board.paused(new MailboxKey(mailboxId));
    }

    public boolean pausedTenant(long tenantId) {
        return board.paused(new TenantKey(tenantId));
    }

    /** An admin resumed a mailbox: its window starts afresh, its mail held for the pause goes out. */
    public void resumedMailbox(long tenantId, long mailboxId) {
        board.reset(new MailboxKey(mailboxId));
        if (last.remove(new MailboxKey(mailboxId)) != null) {
            stores.mailboxes().byId(mailboxId).ifPresent(m -> transition(tenantId, java.util.Optional.of(m.id()), "mailbox", m.address(),
                    new BreakerBoard.Standing(State.HEALTHY, 0, 0, 0), "resumed by an admin"));
        }
        releaseHeld(tenantId, e -> e.mailboxId().equals(java.util.Optional.of(mailboxId)));
    }

    /** An admin resumed a tenant: the same for the tenant and its sending domains. */
    public void resumedTenant(long tenantId) {
        board.reset(new TenantKey(tenantId));
        if (last.remove(new TenantKey(tenantId)) != null) {
            stores.tenants().byId(tenantId).ifPresent(t -> transition(tenantId, java.util.Optional.empty(), "tenant", t.name(),
                    new BreakerBoard.Standing(State.HEALTHY, 0, 0, 0), "resumed by an admin"));
        }
        for (var d : stores.domains().list(java.util.Optional.of(tenantId))) {
            board.reset(new DomainKey(d.name()));
            if (d.status() == Status.PAUSED) {
                stores.domains().setStatus(d.id(), Status.ACTIVE);
            }
            if (last.remove(new DomainKey(d.name())) != null) {
                transition(tenantId, java.util.Optional.empty(), "domain", d.name(), new BreakerBoard.Standing(State.HEALTHY, 0, 0, 0),
                        "resumed with its tenant");
            }
        }
        releaseHeld(tenantId, e -> true);
    }

    /** Held because the sender was paused → waiting again (whatever else holds mail stays held). */
    private void releaseHeld(long tenantId, java.util.function.Predicate<QueueEntry> which) {
        for (var e : stores.mail().findQueue(new dev.herald.storage.mail.QueueFilter(java.util.Optional.of(tenantId), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.of(QueueEntry.HELD), 100_000))) {
            if (which.test(e) && e.lastReply().orElse("").startsWith("held: " + SendPolicy.PAUSED_PREFIX)) {
                stores.mail().settle(e.id(), QueueEntry.WAITING, clock.instant(), "released: sender resumed");
            }
        }
    }

    public List<Transition> transitions(long tenantId) {
        return transitions.stream().filter(t -> t.tenantId() == tenantId).toList();
    }

    private static List<Object> keys(QueueEntry e) {
        return keys(e.mailboxId(), e.sender().substring(e.sender().lastIndexOf('@') + 1), e.tenantId());
    }

    private static List<Object> keys(java.util.Optional<Long> mailboxId, String domain, long tenantId) {
        var out = new ArrayList<Object>(3);
        mailboxId.ifPresent(m -> out.add(new MailboxKey(m)));
        out.add(new DomainKey(domain.toLowerCase(Locale.ROOT)));
        out.add(new TenantKey(tenantId));
        return out;
    }

    private void transition(long tenantId, java.util.Optional<Long> mailboxId, String scope, String name, BreakerBoard.Standing standing,
                            String why) {
        var now = clock.instant();
        transitions.add(new Transition(tenantId, scope, name, standing.state(), now, standing.sends(), standing.bounces(),
                standing.bounceRate(), standing.complaints()));
        var detail = scope + " " + name + " is now " + standing.state().name().toLowerCase(Locale.ROOT) + " (" + standing.bounces()
                + " bounces and " + standing.complaints() + " complaints in " + standing.sends() + " sends over 24 h)" + (why.isEmpty() ? "" : ": " + why);
        var domain = scope.equals("domain") ? name : scope.equals("mailbox") ? name.substring(name.lastIndexOf('@') + 1) : null;
        events.record(new dev.herald.storage.model.Event(0, now, EventType.BREAKER, java.util.Optional.of(tenantId), java.util.Optional.empty(),
                mailboxId, java.util.Optional.ofNullable(domain), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                detail));
        if (standing.state() == State.HEALTHY) {
            log.info("circuit breaker: {}", detail);
        } else {
            log.warn("circuit breaker: {}", detail);
        }
    }

    private void judge(QueueEntry e, Instant now) {
        var mailbox = e.mailboxId().flatMap(id -> stores.mailboxes().byId(id));
        if (mailbox.isEmpty()) {
            return;
        }
        var values = policy.of(mailbox.get());
        var t = new BreakerBoard.Thresholds(PolicyNumbers.count(values.get("breaker.min_volume")),
                PolicyNumbers.fraction(values.get("breaker.bounce_review")), PolicyNumbers.fraction(values.get("breaker.bounce_pause")),
                PolicyNumbers.fraction(values.get("breaker.complaint_review")), PolicyNumbers.fraction(values.get("breaker.complaint_pause")));
        for (var key : keys(e)) {
            var standing = board.judge(key, t, now);
            var before = last.put(key, standing.state());
            if (standing.state() == (before == null ? State.HEALTHY : before)) {
                continue;
            }
            var scope = key instanceof MailboxKey ? "mailbox" : key instanceof DomainKey ? "domain" : "tenant";
            var name = key instanceof MailboxKey ? mailbox.get().address()
                    : key instanceof DomainKey d ? d.name() : stores.tenants().byId(e.tenantId()).map(x -> x.name()).orElse("?");
            if (standing.state() == State.PAUSED) {
                if (key instanceof MailboxKey m) {
                    stores.mailboxes().setStatus(m.id(), Status.PAUSED);
                } else if (key instanceof TenantKey tk) {
                    stores.tenants().setStatus(tk.id(), Status.PAUSED);
                } else if (key instanceof DomainKey dk) {
                    stores.domains().byName(dk.name()).ifPresent(d -> stores.domains().setStatus(d.id(), Status.PAUSED));
                }
            }
            transition(e.tenantId(), key instanceof MailboxKey m ? java.util.Optional.of(m.id()) : java.util.Optional.empty(), scope, name,
                    standing, "");
        }
    }
}
