package dev.herald.server.policy;

import dev.herald.policy.pipeline.BreakerBoard;
import dev.herald.policy.pipeline.BreakerBoard.State;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
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
 * bounces (synchronous 5xx and late DSNs). Under review: logged and listed, mail keeps flowing.
 * Paused: a mailbox or tenant is set paused (submission answers 550 5.7.1 saying so and how to
 * resume), a domain is paused in memory; queued mail of a paused sender is held, not sent. Only an
 * admin resumes a sender the breaker paused, and the resume starts its window afresh.
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

    public Breakers(Stores stores, Clock clock) {
        this.stores = stores;
        this.policy = new EffectivePolicy(stores);
        this.clock = clock;
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

    public boolean domainPaused(String domain) {
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
        last.remove(new MailboxKey(mailboxId));
        releaseHeld(tenantId, e -> e.mailboxId().equals(java.util.Optional.of(mailboxId)));
    }

    /** An admin resumed a tenant: the same for the tenant and its sending domains. */
    public void resumedTenant(long tenantId) {
        board.reset(new TenantKey(tenantId));
        last.remove(new TenantKey(tenantId));
        for (var d : stores.domains().list(java.util.Optional.of(tenantId))) {
            board.reset(new DomainKey(d.name()));
            last.remove(new DomainKey(d.name()));
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
        var out = new ArrayList<Object>(3);
        e.mailboxId().ifPresent(m -> out.add(new MailboxKey(m)));
        out.add(new DomainKey(e.sender().substring(e.sender().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)));
        out.add(new TenantKey(e.tenantId()));
        return out;
    }

    private void judge(QueueEntry e, Instant now) {
        var mailbox = e.mailboxId().flatMap(id -> stores.mailboxes().byId(id));
        if (mailbox.isEmpty()) {
            return;
        }
        var values = policy.of(mailbox.get());
        var t = new BreakerBoard.Thresholds(count(values.get("breaker.min_volume")), percent(values.get("breaker.bounce_review")),
                percent(values.get("breaker.bounce_pause")), percent(values.get("breaker.complaint_review")),
                percent(values.get("breaker.complaint_pause")));
        for (var key : keys(e)) {
            var standing = board.judge(key, t, now);
            var before = last.put(key, standing.state());
            if (standing.state() == (before == null ? State.HEALTHY : before)) {
                continue;
            }
            var scope = key instanceof MailboxKey ? "mailbox" : key instanceof DomainKey ? "domain" : "tenant";
            var name = key instanceof MailboxKey ? mailbox.get().address()
                    : key instanceof DomainKey d ? d.name() : stores.tenants().byId(e.tenantId()).map(x -> x.name()).orElse("?");
            transitions.add(new Transition(e.tenantId(), scope, name, standing.state(), now, standing.sends(), standing.bounces(),
                    standing.bounceRate(), standing.complaints()));
            log.warn("circuit breaker: {} {} is now {} ({} bounces and {} complaints in {} sends over 24 h)", scope, name,
                    standing.state().name().toLowerCase(Locale.ROOT), standing.bounces(), standing.complaints(), standing.sends());
            if (standing.state() == State.PAUSED) {
                if (key instanceof MailboxKey m) {
                    stores.mailboxes().setStatus(m.id(), Status.PAUSED);
                } else if (key instanceof TenantKey tk) {
                    stores.tenants().setStatus(tk.id(), Status.PAUSED);
                }
            }
        }
    }

    private static long count(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (RuntimeException ex) {
            return Long.MAX_VALUE;
        }
    }

    private static double percent(String v) {
        try {
            return Double.parseDouble(v.trim().replace("%", "")) / 100.0;
        } catch (RuntimeException ex) {
            return Double.MAX_VALUE;
        }
    }
}
