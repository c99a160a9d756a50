package dev.herald.server.policy;

import dev.herald.policy.pipeline.BudgetStep;
import dev.herald.policy.pipeline.HoldForApprovalStep;
import dev.herald.policy.pipeline.PolicyPipeline;
import dev.herald.policy.pipeline.RecipientListStep;
import dev.herald.policy.pipeline.SendLedger;
import dev.herald.policy.pipeline.SendRequest;
import dev.herald.policy.pipeline.SuppressionStep;
import dev.herald.policy.pipeline.Verdict;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.model.Mailbox;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Policy on the way out, in two pipelines: at submission (each RCPT, and again at the end of DATA
 * when the message names its agent run) — suppression, recipient lists, hold for approval,
 * budgets — and when the scheduler is about to send — suppression and recipient lists again, as
 * they may have changed while the mail waited, recipient-domain pacing and warm-up. Budgets count remote recipients as they are
 * accepted; the ledger is refilled from the queue on start.
 */
public final class SendPolicy {
    private final Stores stores;
    private final EffectivePolicy policy;
    private final SuppressionIndex suppressions;
    private final SendLedger ledger = new SendLedger();
    private final PolicyPipeline atSubmission;
    private final PolicyPipeline beforeSending;
    private final Clock clock;
    private final Breakers breakers;

    private final dev.herald.server.events.EventLog events;
    private final WarmupDays warmupDays;
    private final dev.herald.policy.pipeline.WarmupStep warmup = new dev.herald.policy.pipeline.WarmupStep(ledger);

    public SendPolicy(Stores stores, SuppressionIndex suppressions, Breakers breakers, Clock clock, dev.herald.server.events.EventLog events) {
        this.events = events;
        this.warmupDays = new WarmupDays(stores.events(), events);
        this.breakers = breakers;
        this.stores = stores;
        this.policy = new EffectivePolicy(stores);
        this.suppressions = suppressions;
        this.clock = clock;
        var suppression = new SuppressionStep(suppressions);
        var lists = new RecipientListStep();
        this.atSubmission = new PolicyPipeline(List.of(suppression, lists, new HoldForApprovalStep(), new BudgetStep(ledger)), clock);
        this.beforeSending = new PolicyPipeline(List.of(suppression, lists, new dev.herald.policy.pipeline.RecipientDomainPacingStep(ledger),
                warmup), clock);
        var since = clock.instant().minus(Duration.ofDays(30));
        for (var e : stores.mail().sentSince(since)) {
            e.mailboxId().ifPresent(m -> ledger.record(e.tenantId(), m, e.run(), e.createdAt(), 1));
        }
        refillDepartures();
    }

    /**
     * A restart must not hand out a day's warm-up cap or a minute's pacing again: the counters of
     * what left (per sending domain and dedicated source address today, per recipient domain over
     * the last minutes) are rebuilt from the delivery attempts recorded since the start of the UTC day.
     */
    private void refillDepartures() {
        var now = clock.instant();
        var startOfDay = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        var since = startOfDay.isBefore(now.minus(Duration.ofMinutes(2))) ? startOfDay : now.minus(Duration.ofMinutes(2));
        var sources = new java.util.HashMap<String, Optional<String>>();
        for (var d : stores.mail().departuresSince(since)) {
            var sendingDomain = domainOf(d.sender()).toLowerCase(java.util.Locale.ROOT);
            var source = sources.computeIfAbsent(d.tenantId() + "/" + sendingDomain, k -> stores.routes()
                    .forSending(d.tenantId(), stores.domains().byName(sendingDomain).map(dom -> dom.id())).flatMap(r -> r.sourceAddress()));
            ledger.recordLeaving(d.tenantId(), sendingDomain, source,
                    d.recipient().substring(d.recipient().lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT), d.at());
        }
    }

    public SuppressionIndex suppressions() {
        return suppressions;
    }

    public Breakers breakers() {
        return breakers;
    }

    /** Where everything policy decides, and what comes of it, is recorded. */
    public dev.herald.server.events.EventLog events() {
        return events;
    }

    /** The decision for one remote recipient of a submitting mailbox. */
    public PolicyPipeline.Decision atSubmission(Mailbox sender, String recipient, Optional<String> run, String stream, int pending) {
        // Warm-up applies when the mail leaves; at submission it is not looked at.
        return atSubmission.decide(request(sender, recipient, run, stream, pending, policy.of(sender),
                dev.herald.policy.pipeline.WarmupAge.WARM));
    }

    /**
     * Whether a queued recipient waits for an admin: the mailbox's hold.for_approval, or its run
     * over budget with run.over_budget = hold (the message itself is already counted).
     */
    public Optional<String> holdAtEnqueue(Mailbox sender, Optional<String> run) {
        var values = policy.of(sender);
        if (Boolean.parseBoolean(values.getOrDefault("hold.for_approval", "false"))) {
            return Optional.of("this mailbox's policy holds outgoing mail for approval");
        }
        if (run.isPresent() && "hold".equals(values.get("run.over_budget"))) {
            long limit = dev.herald.policy.PolicyNumbers.count(values.get("run.limit"));
            if (ledger.run(sender.tenantId(), run.get()).count(clock.instant()) > limit) {
                return Optional.of("run " + run.get() + " has used its budget of " + limit + " messages; held for approval");
            }
        }
        return Optional.empty();
    }

    /** Whether a submission of this mailbox is filed in its Sent folder (sent.copy). */
    public boolean sentCopy(Mailbox sender) {
        return Boolean.parseBoolean(policy.of(sender).getOrDefault("sent.copy", "true"));
    }

    /** Counts accepted remote recipients against the budgets. */
    public void recordSent(Mailbox sender, Optional<String> run, int remoteRecipients) {
        if (remoteRecipients > 0) {
            ledger.record(sender.tenantId(), sender.id(), run, clock.instant(), remoteRecipients);
        }
    }

    /** The decision for a queued recipient the scheduler is about to send. */
    public PolicyPipeline.Decision beforeSending(QueueEntry e) {
        var sender = e.mailboxId().flatMap(id -> stores.mailboxes().byId(id));
        if (sender.isEmpty()) {
            // The mailbox is gone; its tenant's suppression list still applies.
            var why = suppressions.reason(e.tenantId(), e.recipient());
            return why.map(w -> new PolicyPipeline.Decision("suppression", (Verdict) new Verdict.Reject(550, "5.1.1",
                    "<" + e.recipient() + "> is on this tenant's suppression list (" + w + ")")))
                    .orElse(new PolicyPipeline.Decision("", Verdict.ACCEPT));
        }
        // The sending domain is read once: for its paused status and for its warm-up age.
        var domain = stores.domains().byName(domainOf(sender.get().address()));
        var paused = pausedSender(sender.get(), domain);
        if (paused.isPresent()) {
            return new PolicyPipeline.Decision("breaker", new Verdict.Hold(paused.get()));
        }
        var values = policy.of(sender.get());
        var request = request(sender.get(), e.recipient(), e.run(), e.stream(), 0, values, warmupAge(sender.get().tenantId(), domain, values));
        var d = beforeSending.decide(request);
        if (d.verdict().accepted()) {
            ledger.recordLeaving(e.tenantId(), domainOf(e.sender()).toLowerCase(java.util.Locale.ROOT), request.warmup().sourceAddress(),
                    e.recipient().substring(e.recipient().lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT), clock.instant());
        }
        return d;
    }

    /**
     * Whether a hosted mailbox refuses mail from this sender: inbound.block (unless inbound.allow
     * names it), or inbound.allow_only with the sender not on inbound.allow. The reason, if so.
     */
    public Optional<String> inboundRefusal(Mailbox recipient, String sender) {
        var values = policy.of(recipient);
        var from = sender == null ? "" : sender.toLowerCase(java.util.Locale.ROOT);
        boolean allowed = !from.isEmpty() && RecipientListStep.matches(values.getOrDefault("inbound.allow", ""), from);
        if (!allowed && !from.isEmpty() && RecipientListStep.matches(values.getOrDefault("inbound.block", ""), from)) {
            return Optional.of("<" + recipient.address() + "> does not accept mail from <" + from + "> (policy inbound.block)");
        }
        if (!allowed && Boolean.parseBoolean(values.getOrDefault("inbound.allow_only", "false"))) {
            return Optional.of("<" + recipient.address() + "> accepts mail only from allowed senders (policy inbound.allow_only)");
        }
        return Optional.empty();
    }

    /** Replies per thread between two addresses (either direction), over the last hour. */
    private record ThreadPair(String thread, String one, String other) {
        static ThreadPair of(String thread, String a, String b) {
            return a.compareTo(b) <= 0 ? new ThreadPair(thread, a, b) : new ThreadPair(thread, b, a);
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<ThreadPair, dev.herald.policy.pipeline.SlidingCounter> threadReplies =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Loop protection: a reply (it names a thread) from this mailbox to a recipient with whom the
     * thread already saw loop.thread_replies_per_hour replies in the last hour, in either
     * direction, is refused for now — two agents answering each other cannot ping-pong forever.
     */
    public Optional<String> loopRefusal(Mailbox sender, List<String> recipients, Optional<String> thread) {
        if (thread.isEmpty()) {
            return Optional.empty();
        }
        long limit;
        try {
            limit = Long.parseLong(policy.of(sender).getOrDefault("loop.thread_replies_per_hour", "unlimited"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        var now = clock.instant();
        for (var r : recipients) {
            var counter = threadReplies.get(ThreadPair.of(thread.get(), sender.address(), r.toLowerCase(java.util.Locale.ROOT)));
            if (counter != null && counter.count(now) >= limit) {
                return Optional.of("loop protection: " + limit + " replies within an hour between " + sender.address() + " and " + r
                        + " in thread " + thread.get() + "; try again later");
            }
        }
        return Optional.empty();
    }

    /** Counts an accepted reply for loop protection. */
    public void recordReply(Mailbox sender, List<String> recipients, Optional<String> thread) {
        thread.ifPresent(t -> recipients.forEach(r -> threadReplies.computeIfAbsent(
                ThreadPair.of(t, sender.address(), r.toLowerCase(java.util.Locale.ROOT)), k -> dev.herald.policy.pipeline.SlidingCounter.hour())
                .add(clock.instant(), 1)));
    }

    /** Why a sender's queued mail is held: its mailbox, domain or tenant is paused. */
    private Optional<String> pausedSender(Mailbox m, Optional<dev.herald.storage.model.Domain> domain) {
        if (m.status() == dev.herald.storage.model.Status.PAUSED) {
            return Optional.of(PAUSED_PREFIX + "mailbox " + m.address() + " is paused");
        }
        if (domain.isPresent() && domain.get().status() == dev.herald.storage.model.Status.PAUSED) {
            var name = domain.get().name();
            return Optional.of(PAUSED_PREFIX + "domain " + name + " is paused" + (breakers.pausedDomain(name) ? " by its circuit breaker" : ""));
        }
        var tenant = stores.tenants().byId(m.tenantId());
        if (tenant.isPresent() && tenant.get().status() == dev.herald.storage.model.Status.PAUSED) {
            return Optional.of(PAUSED_PREFIX + "tenant " + tenant.get().name() + " is paused");
        }
        return Optional.empty();
    }

    /** The start of the reason a paused sender's mail is held; a resume releases what carries it. */
    public static final String PAUSED_PREFIX = "sender paused: ";

    private static SendRequest request(Mailbox sender, String recipient, Optional<String> run, String stream, int pending,
                                       Map<String, String> values, dev.herald.policy.pipeline.WarmupAge age) {
        return new SendRequest(sender.tenantId(), sender.workspaceId(), sender.id(), domainOf(sender.address()), recipient, run, stream,
                values, pending, age);
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** The sending domain's warm-up day, and its dedicated source address's (a route's pinned one), if any. */
    private dev.herald.policy.pipeline.WarmupAge warmupAge(long tenantId, Optional<dev.herald.storage.model.Domain> domain,
                                                           Map<String, String> values) {
        var now = clock.instant();
        if (domain.isEmpty()) {
            return dev.herald.policy.pipeline.WarmupAge.WARM;
        }
        long day = warmupDay(domain.get(), values, now);
        var source = stores.routes().forSending(tenantId, Optional.of(domain.get().id())).flatMap(r -> r.sourceAddress());
        return new dev.herald.policy.pipeline.WarmupAge(day, source, source.map(a -> warmupDays.sourceDay(a, now)).orElse(0L));
    }

    /** Today's warm-up standing of a sending domain, for stats: {day, cap (-1 once warm), sent today}. */
    public long[] warmupToday(dev.herald.storage.model.Domain domain) {
        var values = policy.ofTenant(domain.tenantId());
        var now = clock.instant();
        if (!Boolean.parseBoolean(values.getOrDefault("warmup.enabled", "true"))) {
            return new long[] {0, -1, ledger.domainToday(domain.name()).count(now)};
        }
        long day = warmupDay(domain, values, now);
        long cap = warmup.capOn(values, day);
        return new long[] {day, cap == Long.MAX_VALUE ? -1 : cap, ledger.domainToday(domain.name()).count(now)};
    }

    private long warmupDay(dev.herald.storage.model.Domain domain, Map<String, String> values, java.time.Instant now) {
        return warmupDays.domainDay(domain.name(), domain.createdAt(), now, dev.herald.policy.PolicyNumbers.fraction(values.get("warmup.max_bounce_rate")),
                dev.herald.policy.PolicyNumbers.fraction(values.get("warmup.max_complaint_rate")));
    }
}
