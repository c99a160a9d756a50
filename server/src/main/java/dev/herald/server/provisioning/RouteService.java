package dev.herald.server.provisioning;

import dev.herald.server.net.InternalAddresses;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.OutboundRoute;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Outbound routes (`herald route`): per sending domain, per tenant or for the whole server, a
 * smarthost (host, port, TLS mode, AUTH) and/or a pinned source address. A tenant may route its own
 * mail through its own relay; pinning source addresses and the server default are the admin's.
 */
public final class RouteService {
    /** What a caller asks for; empty fields are "not part of this route". */
    public record RouteRequest(Optional<String> tenant, Optional<String> domain, Optional<String> relay, Optional<String> tls,
                               Optional<Boolean> verify, Optional<String> user, Optional<String> password, Optional<String> sourceAddress) {
    }

    private final Stores stores;
    private final Lookups lookups;
    private final boolean allowPrivateRelays;
    private final Function<String, List<InetAddress>> resolve;

    /** @param resolve the relay name's addresses (the configured resolver); empty when it does not resolve */
    public RouteService(Stores stores, Lookups lookups, boolean allowPrivateRelays, Function<String, List<InetAddress>> resolve) {
        this.stores = stores;
        this.lookups = lookups;
        this.allowPrivateRelays = allowPrivateRelays;
        this.resolve = resolve;
    }

    public OutboundRoute set(Caller caller, RouteRequest r) {
        caller.requireTenantOrAdmin("setting an outbound route");
        Optional<Long> tenantId;
        Optional<Long> domainId = Optional.empty();
        if (r.domain().isPresent()) {
            var domain = lookups.domain(caller, r.domain().get());
            tenantId = Optional.of(domain.tenantId());
            domainId = Optional.of(domain.id());
            if (r.tenant().isPresent() && lookups.tenant(caller, r.tenant().get()).id() != domain.tenantId()) {
                throw ProvisioningException.invalid("domain " + domain.name() + " does not belong to tenant " + r.tenant().get());
            }
        } else if (r.tenant().isPresent() || !caller.isAdmin()) {
            tenantId = Optional.of(lookups.tenantOrOwn(caller, r.tenant(), "setting an outbound route").id());
        } else {
            tenantId = Optional.empty();
        }
        if (r.sourceAddress().isPresent() && !caller.isAdmin()) {
            throw ProvisioningException.forbidden("pinning a source address needs an admin key");
        }
        if (r.relay().isEmpty() && r.sourceAddress().isEmpty()) {
            throw ProvisioningException.invalid("a route needs a relay (host:port) or a source address");
        }
        var tls = r.tls().map(t -> t.trim().toLowerCase(Locale.ROOT)).orElse(OutboundRoute.TLS_STARTTLS);
        if (!List.of(OutboundRoute.TLS_STARTTLS, OutboundRoute.TLS_IMPLICIT, OutboundRoute.TLS_NONE).contains(tls)) {
            throw ProvisioningException.invalid("tls must be starttls, tls or none");
        }
        if (r.user().isPresent() != r.password().isPresent()) {
            throw ProvisioningException.invalid("a relay login needs both a user and a password");
        }
        if (r.user().isPresent() && tls.equals(OutboundRoute.TLS_NONE)) {
            throw ProvisioningException.invalid("relay credentials are only sent over TLS: use tls starttls or tls");
        }
        if (r.user().isPresent() && r.relay().isEmpty()) {
            throw ProvisioningException.invalid("credentials without a relay: name the relay host");
        }
        Optional<String> host = Optional.empty();
        int port = 25;
        if (r.relay().isPresent()) {
            var hp = hostPort(r.relay().get(), tls);
            host = Optional.of(hp.host());
            port = hp.port();
            if (!caller.isAdmin() && !allowPrivateRelays) {
                refuseInternal(hp.host());
            }
        }
        var source = r.sourceAddress().map(RouteService::localAddress);
        return stores.routes().put(new OutboundRoute(0, tenantId, domainId, host, port, tls, r.verify().orElse(true), r.user(), r.password(),
                source, caller.isAdmin(), Instant.EPOCH));
    }

    public List<OutboundRoute> list(Caller caller, Optional<String> tenant) {
        caller.requireTenantOrAdmin("listing outbound routes");
        if (tenant.isEmpty() && caller.isAdmin()) {
            return stores.routes().list(Optional.empty());
        }
        return stores.routes().list(Optional.of(lookups.tenantOrOwn(caller, tenant, "listing outbound routes").id()));
    }

    public OutboundRoute delete(Caller caller, String id) {
        caller.requireTenantOrAdmin("removing an outbound route");
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ProvisioningException.notFound("route '" + id + "' not found");
        }
        var route = stores.routes().byId(n)
                .filter(r -> r.tenantId().map(caller::manages).orElse(caller.isAdmin()))
                .orElseThrow(() -> ProvisioningException.notFound("route '" + id + "' not found"));
        if (route.sourceAddress().isPresent() && !caller.isAdmin()) {
            throw ProvisioningException.forbidden("a route pinning a source address is removed with an admin key");
        }
        stores.routes().delete(route.id());
        return route;
    }

    public Optional<String> tenantName(OutboundRoute r) {
        return r.tenantId().flatMap(id -> stores.tenants().byId(id)).map(t -> t.name());
    }

    public Optional<String> domainName(OutboundRoute r) {
        return r.domainId().flatMap(id -> stores.domains().byId(id)).map(Domain::name);
    }

    private record HostPort(String host, int port) {
    }

    /**
     * A tenant's relay must be a public host (SSRF: it would make this server talk to internal
     * services and show their replies in the queue). Checked here and again at each connection.
     */
    private void refuseInternal(String host) {
        List<InetAddress> addresses;
        if (host.matches("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*")) {
            try {
                addresses = List.of(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                throw ProvisioningException.invalid("relay address " + host + " is not valid");
            }
        } else {
            addresses = resolve.apply(host);
            if (addresses.isEmpty()) {
                throw ProvisioningException.invalid("relay host " + host + " does not resolve");
            }
        }
        for (var a : addresses) {
            if (InternalAddresses.internal(a)) {
                throw ProvisioningException.invalid("relay " + host + " is " + (a.getHostAddress().equals(host) ? "" : "at ")
                        + a.getHostAddress() + ", a loopback, private or otherwise internal address; a tenant's relay must be public "
                        + "(an admin key may set a private relay, or the server setting outbound.allow_private_relays)");
            }
        }
    }

    /** "host", "host:port", "[v6]:port"; the port defaults to the TLS mode's (587, 465, 25). */
    private static HostPort hostPort(String relay, String tls) {
        var value = relay.trim();
        int defaultPort = switch (tls) {
            case OutboundRoute.TLS_IMPLICIT -> 465;
            case OutboundRoute.TLS_NONE -> 25;
            default -> 587;
        };
        String host = value;
        int port = defaultPort;
        int colon = value.lastIndexOf(':');
        if (colon > 0 && (value.startsWith("[") ? value.charAt(colon - 1) == ']' : value.indexOf(':') == colon)) {
            host = value.substring(0, colon);
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw ProvisioningException.invalid("relay port must be a number: " + relay);
            }
        }
        host = host.replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65_535 || host.isEmpty() || !host.matches("[a-z0-9.:-]+")) {
            throw ProvisioningException.invalid("relay must be host or host:port, got '" + relay + "'");
        }
        return new HostPort(host, port);
    }

    /** A literal address this server can send from (one of its interfaces', or loopback). */
    private static String localAddress(String value) {
        var text = value.trim();
        if (!text.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw ProvisioningException.invalid("source address must be an IP address, got '" + value + "'");
        }
        try {
            var address = InetAddress.getByName(text);
            if (!address.isLoopbackAddress() && NetworkInterface.getByInetAddress(address) == null) {
                throw ProvisioningException.invalid(text + " is not an address of this server");
            }
            return address.getHostAddress();
        } catch (UnknownHostException | SocketException e) {
            throw ProvisioningException.invalid("source address " + value + ": " + e.getMessage());
        }
    }
}
