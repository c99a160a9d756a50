package dev.herald.server.events;

import dev.herald.policy.pipeline.BreakerBoard;
import dev.herald.server.policy.Breakers;
import dev.herald.server.policy.SendPolicy;
import dev.herald.server.provisioning.Caller;
import dev.herald.server.provisioning.Lookups;
import dev.herald.server.provisioning.ProvisioningException;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * `herald stats`: per tenant, sending domain and mailbox over a window — what was accepted, sent,
 * delivered, deferred, bounced, complained, suppressed, with the rates the breakers judge by —
 * plus what stands now: queue depth by reason, breaker state, and a domain's warm-up day and
 * today's cap. Counts come from the event stream; nothing here is kept on the side.
 */
public final class Stats {
    /**
     * The figures of one sender. Every column counts messages (one message to one recipient), never
     * attempts: a recipient deferred three times is one deferred. See {@link #COLUMNS}.
     */
    public static final class Figures {
        final Map<String, Long> counts = new TreeMap<>();
        final Map<String, Long> messages = new TreeMap<>();
        final Map<String, Long> queue = new TreeMap<>();

        void add(String kind, long n, long distinct) {
            counts.merge(kind, n, Long::sum);
            messages.merge(kind, distinct, Long::sum);
        }

        long get(String kind) {
            return counts.getOrDefault(kind, 0L);
        }

        long distinct(String kind) {
            return messages.getOrDefault(kind, 0L);
        }

        public Map<String, Object> view() {
            var m = new LinkedHashMap<String, Object>();
            long delivered = get("delivered");
            long refused = get("bounced");
            long late = get("bounced_late");
            long settled = delivered + refused; // remote recipients whose fate is known
            for (var k : List.of("accepted", "rejected", "received")) {
                m.put(k, get(k));
            }
            m.put("sent", get("queued"));
            m.put("held", distinct("held"));
            m.put("delivered", delivered);
            m.put("delivered_local", get("delivered_local"));
            m.put("deferred", distinct("deferred"));
            m.put("bounced", refused + late);
            m.put("complained", get("complained"));
            m.put("suppressed", get("suppressed"));
            m.put("unsubscribed", get("unsubscribed"));
            m.put("delivery_rate", settled == 0 ? null : ratio(delivered - late, settled));
            m.put("bounce_rate", settled == 0 ? null : ratio(refused + late, settled));
            m.put("complaint_rate", delivered == 0 ? null : ratio(get("complained"), delivered));
            return m;
        }

        private static double ratio(long a, long b) {
            return Math.round(a * 1_000_000.0 / b) / 1_000_000.0;
        }
    }

    /** What each column means, one "%n"-separated line each: shown by `herald stats --help`, and in the README. */
    public static final String COLUMNS = "accepted: messages the agents handed over (SMTP submission), one per message whatever its recipients%n"
            + "rejected: recipients refused at RCPT by policy%n"
            + "sent: remote recipients queued to leave, one per message and recipient%n"
            + "held: of those, recipients held for approval or because the sender is paused%n"
            + "delivered: remote recipients the receiving server accepted%n"
            + "delivered_local: recipients that are hosted mailboxes (of any tenant), filed in their INBOX%n"
            + "deferred: remote recipients that had to wait at least once (4xx, no connection, warm-up, pacing), each counted once%n"
            + "bounced: remote recipients refused for good (5xx now, a DSN after delivery, or expired)%n"
            + "complained: spam reports; suppressed: recipients put on or dropped by the suppression list%n"
            + "received: messages filed into the scope's mailboxes, from the internet or from other mailboxes%n"
            + "delivery_rate, bounce_rate: over the remote recipients whose fate is known; complaint_rate: over delivered";


    private final Stores stores;
    private final EventLog events;
    private final Lookups lookups;
    private final SendPolicy policy;
    private final Clock clock;

    public Stats(Stores stores, EventLog events, Lookups lookups, SendPolicy policy, Clock clock) {
        this.stores = stores;
        this.events = events;
        this.lookups = lookups;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * @param tenant  narrow to one tenant (a tenant key: its own, always)
     * @param domain  narrow to one sending domain; {@code mailbox} to one mailbox
     */
    public Map<String, Object> report(Caller caller, Optional<String> tenant, Optional<String> domain, Optional<String> mailbox,
                                      Duration window) {
        caller.requireTenantOrAdmin("reading stats");
        if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(366)) > 0) {
            throw ProvisioningException.invalid("the window must be between 1 second and 366 days");
        }
        var onlyDomain = domain.map(d -> lookups.domain(caller, d));
        var onlyMailbox = mailbox.map(m -> lookups.mailbox(caller, m));
        List<Tenant> tenants;
        if (tenant.isPresent() || !caller.isAdmin()) {
            tenants = List.of(lookups.tenantOrOwn(caller, tenant, "reading stats"));
        } else if (onlyDomain.isPresent() || onlyMailbox.isPresent()) {
            long id = onlyDomain.map(Domain::tenantId).orElseGet(() -> onlyMailbox.get().tenantId());
            tenants = List.of(stores.tenants().byId(id).orElseThrow());
        } else {
            tenants = stores.tenants().list();
        }
        events.flush();
        var now = clock.instant();
        var since = now.minus(window);
        var out = new LinkedHashMap<String, Object>();
        out.put("window", window.toString().substring(2).toLowerCase(java.util.Locale.ROOT));
        out.put("since", since.toString());
        out.put("until", now.toString());
        var list = new ArrayList<Map<String, Object>>();
        for (var t : tenants) {
            list.add(tenant(t, since, onlyDomain.map(Domain::name), onlyMailbox.map(m -> m.id())));
        }
        out.put("tenants", list);
        return out;
    }

    private Map<String, Object> tenant(Tenant t, Instant since, Optional<String> onlyDomain, Optional<Long> onlyMailbox) {
        var whole = new Figures();
        var domains = new TreeMap<String, Figures>();
        var mailboxes = new TreeMap<Long, Figures>();
        for (var d : stores.domains().list(Optional.of(t.id()))) {
            domains.put(d.name(), new Figures());
        }
        for (var c : stores.events().counts(Optional.of(t.id()), since)) {
            whole.add(c.kind(), c.count(), c.messages());
            c.domain().ifPresent(d -> domains.computeIfAbsent(d, k -> new Figures()).add(c.kind(), c.count(), c.messages()));
            c.mailboxId().ifPresent(m -> mailboxes.computeIfAbsent(m, k -> new Figures()).add(c.kind(), c.count(), c.messages()));
        }
        for (var q : stores.mail().queueDepth(Optional.of(t.id()))) {
            whole.queue.merge(q.reason(), q.count(), Long::sum);
            domains.computeIfAbsent(q.domain(), k -> new Figures()).queue.merge(q.reason(), q.count(), Long::sum);
            q.mailboxId().ifPresent(m -> mailboxes.computeIfAbsent(m, k -> new Figures()).queue.merge(q.reason(), q.count(), Long::sum));
        }
        var breakers = policy.breakers();
        var v = new LinkedHashMap<String, Object>();
        v.put("tenant", t.name());
        v.put("status", t.status().wire());
        v.putAll(whole.view());
        v.put("queue", whole.queue);
        v.put("breaker", breaker(breakers.standing(new Breakers.TenantKey(t.id()))));
        var domainViews = new ArrayList<Map<String, Object>>();
        domains.forEach((name, f) -> {
            if (onlyDomain.isPresent() && !onlyDomain.get().equals(name) || onlyMailbox.isPresent()) {
                return;
            }
            var dv = new LinkedHashMap<String, Object>();
            dv.put("domain", name);
            var hosted = stores.domains().byName(name).filter(d -> d.tenantId() == t.id());
            dv.put("status", hosted.map(d -> d.status().wire()).orElse("gone"));
            dv.putAll(f.view());
            dv.put("queue", f.queue);
            dv.put("breaker", breaker(breakers.standing(new Breakers.DomainKey(name))));
            hosted.ifPresent(d -> dv.put("warmup", warmup(d)));
            domainViews.add(dv);
        });
        v.put("domains", domainViews);
        var mailboxViews = new ArrayList<Map<String, Object>>();
        mailboxes.forEach((id, f) -> {
            var m = stores.mailboxes().byId(id);
            var domain = m.map(x -> x.address().substring(x.address().lastIndexOf('@') + 1));
            if (onlyMailbox.isPresent() && !onlyMailbox.get().equals(id) || onlyDomain.isPresent() && !onlyDomain.equals(domain)) {
                return;
            }
            var mv = new LinkedHashMap<String, Object>();
            mv.put("mailbox", m.map(x -> x.address()).orElse("(deleted mailbox " + id + ")"));
            mv.put("status", m.map(x -> x.status().wire()).orElse("gone"));
            mv.putAll(f.view());
            mv.put("queue", f.queue);
            mv.put("breaker", breaker(breakers.standing(new Breakers.MailboxKey(id))));
            mailboxViews.add(mv);
        });
        v.put("mailboxes", mailboxViews);
        return v;
    }

    private Map<String, Object> warmup(Domain d) {
        var w = policy.warmupToday(d);
        var m = new LinkedHashMap<String, Object>();
        m.put("day", w[0]);
        m.put("cap", w[1] < 0 ? null : w[1]);
        m.put("sent_today", w[2]);
        m.put("warm", w[1] < 0);
        return m;
    }

    private static Map<String, Object> breaker(BreakerBoard.Standing s) {
        var m = new LinkedHashMap<String, Object>();
        m.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
        m.put("sends_24h", s.sends());
        m.put("bounces_24h", s.bounces());
        m.put("complaints_24h", s.complaints());
        return m;
    }
}
