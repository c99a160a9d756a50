package dev.herald.server.delivery;

import dev.herald.server.policy.BounceReport;
import dev.herald.server.policy.ComplaintReport;
import dev.herald.storage.Stores;
import dev.herald.storage.mail.Folder;
import dev.herald.storage.mail.NewMessage;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.model.EventType;
import dev.herald.storage.model.Mailbox;
import dev.herald.storage.spool.Spool;
import dev.herald.storage.spool.SpoolEntry;
import dev.herald.storage.spool.SpoolEnvelope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed spool entries into mail: a copy in the INBOX of each hosted recipient, a copy in
 * the Sent folder of a submitting mailbox, and a queue entry in the sending tenant's queue for each
 * remote recipient. One thread, in spool order, so the progress mark only moves forward. Every
 * step is idempotent (a folder holds a source once, a queue holds a source and recipient once), so
 * entries replayed after a crash are delivered exactly once.
 */
public final class DeliveryProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final Stores stores;
    private final Spool spool;
    private final ThreadIndexer threads;
    private final Clock clock;
    private static final int PROGRESS_EVERY = 64;

    private final ExecutorService worker = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                var t = new Thread(r, "delivery");
                t.setDaemon(true);
                return t;
            });

    private final MailboxEvents events;

    private final dev.herald.server.policy.SendPolicy policy;
    private final dev.herald.server.outbound.VerpToken verp;
    private final dev.herald.server.policy.Unsubscribes unsubscribes;
    private final String feedbackAddress;

    public DeliveryProcessor(Stores stores, Spool spool, ThreadIndexer threads, MailboxEvents events, Clock clock,
                             dev.herald.server.policy.SendPolicy policy, dev.herald.server.outbound.VerpToken verp,
                             dev.herald.server.policy.Unsubscribes unsubscribes, String feedbackAddress) {
        this.unsubscribes = unsubscribes;
        this.feedbackAddress = feedbackAddress;
        this.policy = policy;
        this.verp = verp;
        this.stores = stores;
        this.spool = spool;
        this.threads = threads;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Files a spooled IMAP APPEND into its folder (on the delivery thread, in spool order).
     * @return the stored copy, once it is in the index
     */
    public java.util.concurrent.CompletableFuture<dev.herald.storage.mail.StoredMessage> submitAppend(SpoolEntry entry, byte[] body) {
        var done = new java.util.concurrent.CompletableFuture<dev.herald.storage.mail.StoredMessage>();
        worker.execute(() -> {
            try {
                done.complete(fileAppend(entry, body));
                deliverSafely(entry, null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private dev.herald.storage.mail.StoredMessage fileAppend(SpoolEntry entry, byte[] body) {
        var env = entry.envelope();
        var mailbox = stores.mailboxes().byId(env.authMailbox().orElseThrow()).orElseThrow();
        var folder = stores.mail().folder(mailbox.id(), env.folder().orElseThrow())
                .orElseThrow(() -> new IllegalStateException("folder " + env.folder().get() + " is gone"));
        var headers = HeaderParser.parse(body);
        var placement = threads.place(mailbox.id(), headers.fields(), env.receivedAt());
        var stored = stores.mail().append(folder.id(), new NewMessage(mailbox.id(), env.id(), entry.blob(), env.receivedAt(),
                new java.util.LinkedHashSet<>(env.flags()), headers.fields(), placement.threadId(), placement.parentId()));
        events.changed(mailbox.id());
        return stored.orElseGet(() -> stores.mail().messages(folder.id()).stream()
                .filter(m -> m.source().equals(env.id())).findFirst().orElseThrow());
    }

    /** Delivers a just-committed message; {@code body} is the same bytes the spool holds. */
    public void submit(SpoolEntry entry, byte[] body) {
        worker.execute(() -> deliverSafely(entry, body));
    }

    /** Replays what the spool holds beyond the progress mark (messages accepted before a crash or stop). */
    public int recover(List<SpoolEntry> committed) {
        var mark = stores.mail().spoolProgress();
        int replayed = 0;
        for (var e : committed) {
            boolean after = e.blob().segment() > mark[0] || (e.blob().segment() == mark[0] && e.end() > mark[1]);
            if (after) {
                var entry = e;
                worker.execute(() -> deliverSafely(entry, spool.read(entry.blob())));
                replayed++;
            }
        }
        if (replayed > 0) {
            log.info("replaying {} accepted message(s) not yet delivered before the last stop", replayed);
        }
        return replayed;
    }

    /** Entries delivered since the progress mark was last written. */
    private int unmarked;

    private void deliverSafely(SpoolEntry entry, byte[] body) {
        try {
            if (body != null) { // null: an APPEND already filed by submitAppend
                if (entry.envelope().listener().equals(dev.herald.storage.spool.SpoolEnvelope.APPEND)) {
                    fileAppend(entry, body); // a replay
                } else {
                    deliver(entry, body);
                }
            }
            // The mark is written every so often, not per message: replay is idempotent, so an old
            // mark only means a little more replay after a crash.
            if (++unmarked >= PROGRESS_EVERY || worker instanceof java.util.concurrent.ThreadPoolExecutor tpe && tpe.getQueue().isEmpty()) {
                stores.mail().markSpoolProgress(entry.blob().segment(), entry.end());
                unmarked = 0;
            }
        } catch (RuntimeException e) {
            // The spool keeps the message; the next start replays it from the progress mark.
            log.error("delivering {} failed; it stays in the spool and is retried on the next start", entry.envelope().id(), e);
        }
    }

    private void deliver(SpoolEntry entry, byte[] body) {
        var env = entry.envelope();
        var headers = HeaderParser.parse(body);
        var at = env.receivedAt();
        Optional<Mailbox> sender = env.authMailbox().flatMap(id -> stores.mailboxes().byId(id));
        var remote = new ArrayList<QueueEntry>();
        var holds = new ArrayList<Optional<String>>();
        for (var rcpt : env.recipients()) {
            var address = rcpt.address().toLowerCase(Locale.ROOT);
            var bounced = verp.entry(address.substring(0, address.lastIndexOf('@'))).flatMap(id -> stores.mail().queueEntry(id));
            if (bounced.isPresent()) {
                bounce(bounced.get(), entry, headers, body);
                continue;
            }
            if (address.equals(feedbackAddress)) {
                complaint(entry, body);
                continue;
            }
            var localPart = address.substring(0, address.lastIndexOf('@'));
            if (localPart.startsWith(dev.herald.server.outbound.VerpToken.UNSUBSCRIBE_PREFIX)) {
                if (unsubscribes.unsubscribe(localPart, "unsubscribe by mail from " + env.sender()).isEmpty()) {
                    log.warn("{}: unsubscribe address {} no longer names a queued message", env.id(), address);
                }
                continue;
            }
            var local = stores.mailboxes().byAddress(address).filter(m -> !m.expiredAt(clock.instant()));
            if (local.isPresent()) {
                if (file(local.get(), Folder.INBOX, entry, headers, Set.of())) {
                    policy.events().mailbox(EventType.RECEIVED, local.get(), Optional.of(env.id()), headers.fields().messageId(),
                            Optional.of(address), "from <" + env.sender() + "> over " + env.listener() + " from " + env.client()
                                    + (env.tls().isEmpty() ? "" : " (" + env.tls() + ")"));
                    // The sender's side of mail between hosted mailboxes: its stats count it as delivered locally.
                    sender.ifPresent(m -> policy.events().mailbox(EventType.DELIVERED_LOCAL, m, Optional.of(env.id()), headers.fields().messageId(),
                            Optional.of(address), "delivered to the hosted mailbox " + address));
                }
            } else if (sender.isPresent() && !isHostedDomain(address)) {
                // Held recipients wait for `queue approve`; their state says why in the queue's last reply.
                // Run and stream from the envelope (the header is gone from the body); older spool records: the header.
                var run = env.run().or(headers::run);
                var stream = env.stream().or(headers::stream);
                var hold = policy.holdAtEnqueue(sender.get(), run);
                remote.add(new QueueEntry(0, sender.get().tenantId(), Optional.of(sender.get().id()), env.id(), entry.blob(),
                        env.sender(), rcpt.address(), rcpt.dsnNotify(), rcpt.orcpt(), env.ret(), env.envid(),
                        hold.isPresent() ? QueueEntry.HELD : QueueEntry.WAITING, at, 0, at,
                        stream.filter(QueueEntry.BULK::equals).orElse(QueueEntry.TRANSACTIONAL), run,
                        Optional.empty()));
                holds.add(hold);
            } else {
                // Accepted at RCPT time, gone since (deleted or expired). The bounce comes with the outbound issue.
                log.warn("{}: recipient {} no longer exists; message dropped for it", env.id(), address);
            }
        }
        if (!remote.isEmpty()) {
            enqueue(env, headers, sender.get(), remote, holds);
        }
        sender.filter(policy::sentCopy).ifPresent(m -> file(m, Folder.SENT, entry, headers, Set.of("\\Seen")));
    }

    /**
     * The message's remote recipients, queued in one commit: the scheduler sees them together and
     * sends those at one destination in one transaction.
     */
    private void enqueue(SpoolEnvelope env, ParsedHeaders headers, Mailbox sender, List<QueueEntry> remote,
                         List<Optional<String>> holds) {
        var added = stores.mail().enqueueAll(remote);
        var at = env.receivedAt();
        // Held ones get their reason as the last reply; their ids are read once for all of them.
        var stored = holds.stream().anyMatch(Optional::isPresent) ? stores.mail().queueEntriesOf(env.id()) : List.<QueueEntry>of();
        for (int i = 0; i < remote.size(); i++) {
            if (!added.get(i)) {
                continue; // already queued: a replay
            }
            var queued = remote.get(i);
            var hold = holds.get(i);
            policy.events().mailbox(EventType.QUEUED, sender, Optional.of(env.id()), headers.fields().messageId(),
                    Optional.of(queued.recipient()), queued.stream() + " stream" + queued.run().map(r -> ", run " + r).orElse(""));
            if (hold.isPresent()) {
                stored.stream().filter(q -> q.recipient().equals(queued.recipient()))
                        .forEach(q -> stores.mail().settle(q.id(), QueueEntry.HELD, at, "held: " + hold.get()));
                policy.events().mailbox(EventType.HELD, sender, Optional.of(env.id()), headers.fields().messageId(),
                        Optional.of(queued.recipient()), hold.get());
            }
        }
    }

    /**
     * An asynchronous bounce to the VERP address of one queued recipient: attributed to its
     * tenant, mailbox and message; a permanent failure marks the entry bounced, and a 5.1.x one
     * puts the address on the tenant's suppression list; the report goes to the sender's INBOX.
     */
    private void bounce(QueueEntry named, SpoolEntry entry, ParsedHeaders headers, byte[] body) {
        // The return path names the first recipient of its transaction; the report's Final- or
        // Original-Recipient fields say which of that transaction's recipients it is about.
        var reported = BounceReport.recipients(body);
        var domain = named.recipient().substring(named.recipient().lastIndexOf('@')).toLowerCase(Locale.ROOT);
        var about = stores.mail().queueEntriesOf(named.source()).stream()
                .filter(q -> q.tenantId() == named.tenantId() && q.sender().equals(named.sender())
                        && q.recipient().toLowerCase(Locale.ROOT).endsWith(domain) && reported.contains(q.recipient().toLowerCase(Locale.ROOT)))
                .toList();
        for (var e : about.isEmpty() ? List.of(named) : about) {
            bounced(e, entry, body);
        }
        named.mailboxId().flatMap(id -> stores.mailboxes().byId(id))
                .ifPresent(m -> file(m, Folder.INBOX, entry, headers, Set.of()));
    }

    private void bounced(QueueEntry about, SpoolEntry entry, byte[] body) {
        var report = BounceReport.parse(body, about.recipient());
        var why = dev.herald.server.policy.Breakers.BOUNCED_LATER + report.status().orElse("no status") + report.diagnostic().map(d -> " " + d).orElse("");
        switch (report.kind()) {
            case HARD -> {
                stores.mail().settle(about.id(), QueueEntry.BOUNCED, about.dueAt(), why);
                policy.events().entry(EventType.BOUNCED, about, why);
                policy.breakers().bounced(about);
                policy.suppressions().add(about.tenantId(), about.recipient(), dev.herald.storage.model.Suppression.HARD_BOUNCE,
                        Optional.of(why + " (queue id " + about.source() + ")"));
            }
            case PERMANENT -> {
                stores.mail().settle(about.id(), QueueEntry.BOUNCED, about.dueAt(), why);
                policy.events().entry(EventType.BOUNCED, about, why);
                policy.breakers().bounced(about);
            }
            case UNPARSED -> {
                policy.events().entry(EventType.BOUNCED, about, UNPARSED_REPORT + " (spool " + entry.envelope().id() + ")");
                log.warn("{}: a bounce about {} to {} has no delivery status; kept for the sender, not acted on", entry.envelope().id(),
                        about.source(), about.recipient());
            }
            case TRANSIENT -> {
            }
        }
    }

    /** The entry of the same transaction the complaint's recipient names, when it names one; else the one the return path names. */
    private QueueEntry recipientOf(QueueEntry named, ComplaintReport report) {
        if (report.originalRecipient().isEmpty() || report.originalRecipient().get().equalsIgnoreCase(named.recipient())) {
            return named;
        }
        return stores.mail().queueEntriesOf(named.source()).stream()
                .filter(q -> q.tenantId() == named.tenantId() && q.sender().equals(named.sender())
                        && q.recipient().equalsIgnoreCase(report.originalRecipient().get()))
                .findFirst().orElse(named);
    }

    /**
     * A feedback-loop report: a complaint about one of our messages suppresses the recipient for
     * its tenant and counts against the sender's complaint rates (circuit breakers).
     */
    private void complaint(SpoolEntry entry, byte[] body) {
        var report = ComplaintReport.parse(body, verp);
        var about = report.entryId().flatMap(id -> stores.mail().queueEntry(id)).map(e -> recipientOf(e, report))
                .or(() -> byMessageId(report));
        if (about.isEmpty()) {
            policy.events().record(new dev.herald.storage.model.Event(0, clock.instant(), EventType.COMPLAINED, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(entry.envelope().id()), report.originalMessageId(),
                    report.originalRecipient(), UNATTRIBUTED + " " + report.feedbackType() + " report"));
            log.warn("{}: a feedback report ({}) names none of our messages; kept in the spool, not acted on", entry.envelope().id(),
                    report.feedbackType());
            return;
        }
        if (!report.isComplaint()) {
            return;
        }
        var e = about.get();
        policy.events().entry(EventType.COMPLAINED, e, report.feedbackType() + " report (spool " + entry.envelope().id() + ")");
        policy.suppressions().add(e.tenantId(), e.recipient(), dev.herald.storage.model.Suppression.COMPLAINT,
                Optional.of(report.feedbackType() + " report (queue id " + e.source() + ", spool " + entry.envelope().id() + ")"));
        policy.breakers().complained(e);
    }

    /** How the event of a bounce report without a status starts (it is kept, counted, not acted on). */
    public static final String UNPARSED_REPORT = "unparsed report";
    /** How the event of a complaint report naming none of our messages starts. */
    public static final String UNATTRIBUTED = "unattributed";

    /**
     * A report whose Return-Path was redacted: the original's Message-ID names the message, the
     * complaining recipient (or the message having one remote recipient) names the entry.
     */
    private Optional<QueueEntry> byMessageId(ComplaintReport report) {
        if (report.originalMessageId().isEmpty()) {
            return Optional.empty();
        }
        policy.events().flush();
        var entries = stores.events().sourcesOf(report.originalMessageId().get()).stream()
                .flatMap(source -> stores.mail().queueEntriesOf(source).stream())
                .filter(e -> report.originalRecipient().map(r -> r.equalsIgnoreCase(e.recipient())).orElse(true))
                .toList();
        return entries.size() == 1 ? Optional.of(entries.get(0)) : Optional.empty();
    }

    private boolean isHostedDomain(String address) {
        return stores.domains().byName(address.substring(address.lastIndexOf('@') + 1)).isPresent();
    }

    /** @return false when the folder already held it (a replay after a crash) */
    private boolean file(Mailbox mailbox, String folderName, SpoolEntry entry, ParsedHeaders headers, Set<String> flags) {
        var folder = stores.mail().folder(mailbox.id(), folderName).orElseThrow();
        var placement = threads.place(mailbox.id(), headers.fields(), entry.envelope().receivedAt());
        var stored = stores.mail().append(folder.id(), new NewMessage(mailbox.id(), entry.envelope().id(), entry.blob(),
                entry.envelope().receivedAt(), flags, headers.fields(), placement.threadId(), placement.parentId()));
        events.changed(mailbox.id());
        return stored.isPresent();
    }

    /** Waits until everything submitted so far is delivered (for a clean stop and for tests). */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("delivery did not finish within 30 s; the rest is replayed on the next start");
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
