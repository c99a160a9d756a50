package dev.herald.server.provisioning;

import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.mail.QueueFilter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an admin or a tenant can do to the outbound queue: list it by tenant, sending domain,
 * destination domain and state; show one message's recipients and attempts; retry (make waiting
 * entries due now) and purge (drop waiting entries unsent). Entries being sent, delivered or failed
 * are left as they are. A tenant key sees and touches only its own tenant's queue.
 */
public final class QueueService {
    public static final int MAX_LIMIT = 10_000;
    private static final Set<String> STATES = Set.of(QueueEntry.WAITING, QueueEntry.SENDING, QueueEntry.DELIVERED,
            QueueEntry.FAILED, QueueEntry.PURGED, QueueEntry.HELD, QueueEntry.SUPPRESSED);

    private final Stores stores;
    private final Lookups lookups;
    private final Clock clock;
    private final dev.herald.server.outbound.OutboundDeliverer.FailureSink rejected;

    /** @param rejected where a rejected held message goes (the sender's DSN) */
    public QueueService(Stores stores, Lookups lookups, Clock clock, dev.herald.server.outbound.OutboundDeliverer.FailureSink rejected) {
        this.stores = stores;
        this.lookups = lookups;
        this.clock = clock;
        this.rejected = rejected;
    }

    /** Held entries go out: waiting, due now. @return how many */
    public int approve(Caller caller, List<QueueEntry> entries) {
        requireApprover(caller);
        int n = 0;
        for (var e : entries) {
            if (e.state().equals(QueueEntry.HELD)) {
                stores.mail().settle(e.id(), QueueEntry.WAITING, clock.instant(), "approved by key " + caller.keyId());
                n++;
            }
        }
        return n;
    }

    /** Held entries never go: failed, and the sender gets a DSN saying an admin refused them. @return how many */
    public int reject(Caller caller, List<QueueEntry> entries) {
        requireApprover(caller);
        int n = 0;
        for (var e : entries) {
            if (e.state().equals(QueueEntry.HELD)) {
                var reply = "550 5.7.1 rejected by an administrator (key " + caller.keyId() + ") while held for approval";
                stores.mail().recordAttempt(e.id(), clock.instant(), "", QueueEntry.FAILED, clock.instant(), e.attempts(), reply);
                rejected.failed(e, null, reply);
                n++;
            }
        }
        return n;
    }

    /** Approval is the operator's: a hold exists because the tenant's own agent asked for more than it may. */
    private static void requireApprover(Caller caller) {
        caller.requireAdmin("approving or rejecting held mail");
    }

    /** The filter a request means; a tenant key is always narrowed to its own tenant. */
    public QueueFilter filter(Caller caller, Optional<String> tenant, Optional<String> domain, Optional<String> toDomain,
                              Optional<String> state, int limit, String what) {
        caller.requireTenantOrAdmin(what);
        Optional<Long> tenantId;
        if (tenant.isPresent() || !caller.isAdmin()) {
            tenantId = Optional.of(lookups.tenantOrOwn(caller, tenant, what).id());
        } else {
            tenantId = Optional.empty(); // an admin naming no tenant means all of them
        }
        var st = state.map(s -> s.trim().toLowerCase(Locale.ROOT));
        if (st.isPresent() && !STATES.contains(st.get())) {
            throw ProvisioningException.invalid("unknown state '" + state.get() + "': one of " + String.join(", ", STATES.stream().sorted().toList()));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProvisioningException.invalid("limit must be between 1 and " + MAX_LIMIT);
        }
        return new QueueFilter(tenantId, domain.map(QueueService::domainName), toDomain.map(QueueService::domainName), st, limit);
    }

    public List<QueueEntry> list(QueueFilter filter) {
        return stores.mail().findQueue(filter);
    }

    /** The recipients of one queued message the caller may see; not found otherwise (never reveals another tenant's). */
    public List<QueueEntry> message(Caller caller, String queueId) {
        caller.requireTenantOrAdmin("reading the queue");
        var entries = stores.mail().queueEntriesOf(queueId.trim().toUpperCase(Locale.ROOT));
        if (entries.isEmpty() || !caller.manages(entries.get(0).tenantId())) {
            throw ProvisioningException.notFound("no queued message '" + queueId + "'");
        }
        return entries;
    }

    public int retry(List<QueueEntry> entries) {
        return stores.mail().retryNow(pendingIds(entries), clock.instant());
    }

    public int purge(Caller caller, List<QueueEntry> entries) {
        return stores.mail().purge(pendingIds(entries), clock.instant(), "purged by " + (caller.isAdmin() ? "an admin" : "the tenant")
                + " (key " + caller.keyId() + ")");
    }

    /** Bulk purge must say what it means: a filter, or everything explicitly. */
    public static void requireNarrowedOrAll(QueueFilter filter, boolean all) {
        if (!filter.narrowed() && !all) {
            throw ProvisioningException.invalid("name a tenant, domain, destination domain or state to purge, or everything: herald queue purge --all (all=true over HTTP)");
        }
    }

    private static List<Long> pendingIds(List<QueueEntry> entries) {
        return entries.stream().filter(QueueEntry::pending).map(QueueEntry::id).toList();
    }

    private static String domainName(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
