package dev.herald.policy.pipeline;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What has been sent, in sliding windows: per mailbox (hour, day), per tenant (day, 30 days), per
 * agent run (30 days, as long as a run lives). One count per remote recipient accepted: budgets
 * protect sender reputation, which mail between hosted mailboxes does not touch. In memory;
 * the server refills it from the queue on start.
 */
public final class SendLedger {
    private record MailboxWindows(SlidingCounter hour, SlidingCounter day) {
    }

    private record TenantWindows(SlidingCounter day, SlidingCounter month) {
    }

    private final ConcurrentHashMap<Long, MailboxWindows> mailboxes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, TenantWindows> tenants = new ConcurrentHashMap<>();
    private record RunKey(long tenantId, String run) {
    }

    private record PaceKey(Object from, String to) {
    }

    private final ConcurrentHashMap<RunKey, SlidingCounter> runs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SlidingCounter> domainDays = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PaceKey, SlidingCounter> paces = new ConcurrentHashMap<>();
    /** When the last message left per pace key: the next may leave one interval (a minute / limit) later. */
    private final ConcurrentHashMap<PaceKey, Instant> lastLeft = new ConcurrentHashMap<>();

    public void record(long tenantId, long mailboxId, Optional<String> run, Instant at, int recipients) {
        var m = mailbox(mailboxId);
        m.hour().add(at, recipients);
        m.day().add(at, recipients);
        var t = tenant(tenantId);
        t.day().add(at, recipients);
        t.month().add(at, recipients);
        run.ifPresent(r -> run(tenantId, r).add(at, recipients));
    }

    /** A message leaving now (admitted by the scheduler): counts for warm-up and recipient-domain pacing. */
    public void recordLeaving(long tenantId, String sendingDomain, String recipientDomain, Instant at) {
        recordLeaving(tenantId, sendingDomain, Optional.empty(), recipientDomain, at);
    }

    /** The same, from a dedicated source address that is warming up too. */
    public void recordLeaving(long tenantId, String sendingDomain, Optional<String> sourceAddress, String recipientDomain, Instant at) {
        sourceAddress.ifPresent(a -> sourceToday(a).add(at, 1));
        domainToday(sendingDomain).add(at, 1);
        paceFromDomain(sendingDomain, recipientDomain).add(at, 1);
        paceFromTenant(tenantId, recipientDomain).add(at, 1);
        lastLeft.merge(new PaceKey(sendingDomain, recipientDomain), at, (a, b) -> a.isAfter(b) ? a : b);
        lastLeft.merge(new PaceKey(tenantId, recipientDomain), at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** When the last message from this sending domain to this recipient domain left (empty: none remembered). */
    public Optional<Instant> lastFromDomain(String sendingDomain, String recipientDomain) {
        return Optional.ofNullable(lastLeft.get(new PaceKey(sendingDomain, recipientDomain)));
    }

    /** When the last message from this tenant to this recipient domain left. */
    public Optional<Instant> lastFromTenant(long tenantId, String recipientDomain) {
        return Optional.ofNullable(lastLeft.get(new PaceKey(tenantId, recipientDomain)));
    }

    /** Messages that left the sending domain this UTC day (a calendar counter: it empties at midnight). */
    public SlidingCounter domainToday(String sendingDomain) {
        return domainDays.computeIfAbsent(sendingDomain, k -> SlidingCounter.calendar(java.time.Duration.ofDays(1)));
    }

    /** Messages that left from a dedicated source address this UTC day. */
    public SlidingCounter sourceToday(String address) {
        return domainDays.computeIfAbsent("[" + address + "]", k -> SlidingCounter.calendar(java.time.Duration.ofDays(1)));
    }

    /** The last minute, in 10-second buckets, from a sending domain to a recipient domain. */
    public SlidingCounter paceFromDomain(String sendingDomain, String recipientDomain) {
        return paces.computeIfAbsent(new PaceKey(sendingDomain, recipientDomain), k -> new SlidingCounter(java.time.Duration.ofMinutes(1), 60));
    }

    public SlidingCounter paceFromTenant(long tenantId, String recipientDomain) {
        return paces.computeIfAbsent(new PaceKey(tenantId, recipientDomain), k -> new SlidingCounter(java.time.Duration.ofMinutes(1), 60));
    }

    public SlidingCounter mailboxHour(long mailboxId) {
        return mailbox(mailboxId).hour();
    }

    public SlidingCounter mailboxDay(long mailboxId) {
        return mailbox(mailboxId).day();
    }

    public SlidingCounter tenantDay(long tenantId) {
        return tenant(tenantId).day();
    }

    public SlidingCounter tenantMonth(long tenantId) {
        return tenant(tenantId).month();
    }

    /** Run ids are chosen by agents: they are counted per tenant, so two tenants' "run-1" never share a budget. */
    public SlidingCounter run(long tenantId, String run) {
        return runs.computeIfAbsent(new RunKey(tenantId, run), k -> SlidingCounter.month());
    }

    private MailboxWindows mailbox(long id) {
        return mailboxes.computeIfAbsent(id, k -> new MailboxWindows(SlidingCounter.hour(), SlidingCounter.day()));
    }

    private TenantWindows tenant(long id) {
        return tenants.computeIfAbsent(id, k -> new TenantWindows(SlidingCounter.day(), SlidingCounter.month()));
    }
}
