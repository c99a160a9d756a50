package dev.herald.server.outbound;

import dev.herald.storage.Stores;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.OutboundRoute;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a message for one recipient domain goes and how: the most specific route of its sending
 * domain, its tenant or the server (`herald route`) — a smarthost with its TLS mode and AUTH, or
 * direct to the recipient domain's MX hosts — from the route's pinned source address or, without
 * one, the next address of the server's pool.
 */
final class RoutePlanner {
    /** The targets to try in order, and the name per-destination limits count against. */
    record Plan(List<Target> targets, String destination) {
    }

    private final Stores stores;
    private final MxResolver mx;
    private final List<InetAddress> pool;
    private final AtomicInteger next = new AtomicInteger();

    private final boolean allowPrivateRelays;

    RoutePlanner(Stores stores, MxResolver mx, List<InetAddress> pool, boolean allowPrivateRelays) {
        this.allowPrivateRelays = allowPrivateRelays;
        this.stores = stores;
        this.mx = mx;
        this.pool = List.copyOf(pool);
    }

    /**
     * The name of the ready queue an entry waits in, without resolving anything: "relay HOST" when
     * its route names a smarthost, else the recipient domain (Plan.destination is the same name).
     * {@code relays} holds what a scheduling round already looked up, per tenant and sending domain:
     * the round looks at hundreds of entries of a few senders.
     */
    String destinationKey(QueueEntry entry, String recipientDomain, java.util.Map<String, Optional<String>> relays) {
        var senderDomain = entry.sender().substring(entry.sender().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        var relay = relays.computeIfAbsent(entry.tenantId() + "/" + senderDomain, k -> stores.routes()
                .forSending(entry.tenantId(), stores.domains().byName(senderDomain).map(Domain::id)).flatMap(OutboundRoute::relayHost));
        return relay.map(h -> "relay " + h).orElse(recipientDomain);
    }

    Plan plan(QueueEntry entry, String recipientDomain) throws MxResolver.RouteException {
        var senderDomain = entry.sender().substring(entry.sender().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        var domainId = stores.domains().byName(senderDomain).map(Domain::id);
        var route = stores.routes().forSending(entry.tenantId(), domainId);
        var source = route.flatMap(OutboundRoute::sourceAddress).map(RoutePlanner::literal).or(this::fromPool);
        if (route.isPresent() && route.get().relayHost().isPresent()) {
            var r = route.get();
            var tls = switch (r.relayTls()) {
                case OutboundRoute.TLS_IMPLICIT -> Target.Tls.IMPLICIT;
                case OutboundRoute.TLS_NONE -> Target.Tls.NONE;
                default -> Target.Tls.STARTTLS;
            };
            var auth = r.relayUser().map(u -> new Target.Credentials(u, r.relayPassword().orElse("")));
            var targets = mx.relay(r.relayHost().get(), r.relayPort(), r.setByAdmin() || allowPrivateRelays).stream()
                    .map(a -> new Target(a, source, tls, r.relayVerify(), auth)).toList();
            return new Plan(targets, "relay " + r.relayHost().get());
        }
        var targets = mx.route(recipientDomain).stream().map(a -> Target.direct(a, source)).toList();
        return new Plan(targets, recipientDomain);
    }

    private Optional<InetAddress> fromPool() {
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(pool.get(Math.floorMod(next.getAndIncrement(), pool.size())));
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // validated as a literal when the route was set: no DNS here
        } catch (UnknownHostException e) {
            throw new IllegalStateException("route source address " + address + " is not an IP address", e);
        }
    }
}
