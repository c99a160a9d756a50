package dev.herald.server.outbound;

import dev.herald.server.dns.DnsVerifier;
import dev.herald.server.net.InternalAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Where mail for a domain goes (RFC 5321 5.1): its MX hosts by preference, else the domain's own
 * address (implicit MX); a null MX (RFC 7505) or a non-existent domain is a permanent failure; MX
 * hosts on loopback, private or link-local addresses are refused unless allowed (test rigs). Our
 * own name among the MX hosts is discarded with every less preferred host (RFC 5321 5.1); when that
 * leaves none, the mail would loop back to us and fails permanently.
 *
 * <p>A route found is kept for the shortest TTL of the records it came from, capped by the
 * cache limit: the outbound profile showed three uncached DNS queries per message, the largest
 * share of a delivery to a fast MX. Failures are not cached, so a domain that fixes its DNS is
 * retried at the next attempt.
 */
public final class MxResolver {
    /** Why a domain has no usable route; permanent ones fail the message, others retry. */
    public static final class RouteException extends Exception {
        private static final long serialVersionUID = 1L;
        public final boolean permanent;
        /** The reply recorded for the recipients: "550 5.1.2" (bad destination), "554 5.4.6" (loop), "451 4.4.3" (DNS). */
        public final String reply;

        RouteException(String message, boolean permanent) {
            this(message, permanent, permanent ? "550 5.1.2" : "451 4.4.3");
        }

        RouteException(String message, boolean permanent, String reply) {
            super(message);
            this.permanent = permanent;
            this.reply = reply;
        }
    }

    private final SimpleResolver resolver;
    private final boolean allowPrivate;
    private final int port;
    private final long cacheLimitNanos;
    private final String ownName;
    private final ConcurrentHashMap<String, CachedRoute> cache = new ConcurrentHashMap<>();

    private record CachedRoute(List<InetSocketAddress> addresses, long expiresAtNanos) {
    }

    /** A route under construction: the shortest TTL seen so far, in seconds. */
    private static final class Ttl {
        long seconds = Long.MAX_VALUE;

        void see(List<Record> records) {
            records.forEach(r -> seconds = Math.min(seconds, r.getTTL()));
        }
    }

    public MxResolver(String resolverSetting, Duration timeout, boolean allowPrivate, int port) {
        this(resolverSetting, timeout, allowPrivate, port, Duration.ofMinutes(5));
    }

    public MxResolver(String resolverSetting, Duration timeout, boolean allowPrivate, int port, Duration cacheLimit) {
        this(resolverSetting, timeout, allowPrivate, port, cacheLimit, "");
    }

    /** @param ownName this server's host name (server.hostname): an MX naming it is never a route */
    public MxResolver(String resolverSetting, Duration timeout, boolean allowPrivate, int port, Duration cacheLimit, String ownName) {
        this.ownName = ownName.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.$", "");
        this.resolver = new SimpleResolver(DnsVerifier.resolverAddress(resolverSetting));
        resolver.setTimeout(timeout);
        this.allowPrivate = allowPrivate;
        this.port = port;
        this.cacheLimitNanos = cacheLimit.toNanos();
    }

    /** The addresses to try, in order. */
    public List<InetSocketAddress> route(String domain) throws RouteException {
        var key = domain.toLowerCase(java.util.Locale.ROOT);
        var cached = cache.get(key);
        long now = System.nanoTime();
        if (cached != null && now - cached.expiresAtNanos < 0) {
            return cached.addresses;
        }
        var ttl = new Ttl();
        var addresses = List.copyOf(lookUp(domain, ttl));
        long lifetime = Math.min(cacheLimitNanos, Duration.ofSeconds(ttl.seconds == Long.MAX_VALUE ? 0 : ttl.seconds).toNanos());
        if (lifetime > 0) {
            cache.put(key, new CachedRoute(addresses, now + lifetime));
        } else {
            cache.remove(key);
        }
        return addresses;
    }

    private List<InetSocketAddress> lookUp(String domain, Ttl ttl) throws RouteException {
        var mx = query(domain, Type.MX);
        ttl.see(mx);
        var hosts = new ArrayList<MXRecord>();
        for (var r : mx) {
            if (r instanceof MXRecord m) {
                hosts.add(m);
            }
        }
        var targets = new ArrayList<String>();
        if (hosts.isEmpty()) {
            targets.add(domain); // implicit MX
        } else {
            if (hosts.size() == 1 && hosts.get(0).getTarget().equals(Name.root)) {
                throw new RouteException(domain + " does not accept mail (null MX, RFC 7505)", true);
            }
            hosts.sort(Comparator.comparingInt(MXRecord::getPriority));
            for (var h : hosts) {
                var name = h.getTarget().toString(true).toLowerCase(java.util.Locale.ROOT);
                if (name.equals(ownName)) {
                    break; // we are this MX: it and every less preferred one are no route (RFC 5321 5.1)
                }
                targets.add(name);
            }
            if (targets.isEmpty()) {
                throw new RouteException("mail for " + domain + " loops back to this server (" + ownName + " is its best MX)", true, "554 5.4.6");
            }
        }
        var out = new ArrayList<InetSocketAddress>();
        int refused = 0;
        for (var host : targets) {
            for (var address : addresses(host, ttl)) {
                if (!allowPrivate && InternalAddresses.internal(address)) {
                    refused++;
                    continue;
                }
                out.add(new InetSocketAddress(named(host, address), port));
            }
        }
        if (out.isEmpty()) {
            throw new RouteException(refused > 0 ? "the MX of " + domain + " points at a loopback or private address"
                    : "no address for the mail hosts of " + domain, refused > 0);
        }
        return out;
    }

    /** The address carrying the host name it was found under, so attempts can name the MX host. */
    private static InetAddress named(String host, InetAddress address) {
        try {
            return InetAddress.getByAddress(host, address.getAddress());
        } catch (java.net.UnknownHostException e) {
            return address; // cannot happen: the address has a valid length
        }
    }

    /**
     * The addresses of a smarthost: a literal address as given, a name looked up (A, AAAA) at the
     * configured resolver. A name that does not resolve is a temporary failure (the mail waits).
     * With {@code privateAllowed} false (a route a tenant set, unless outbound.allow_private_relays),
     * addresses that are internal are dropped here, after resolution and just before connecting, so
     * a name that pointed outside when the route was set cannot be turned inward later (SSRF);
     * when none is left the mail waits with a reply saying why.
     */
    public List<InetSocketAddress> relay(String host, int relayPort, boolean privateAllowed) throws RouteException {
        var out = new ArrayList<InetSocketAddress>();
        if (host.matches("[0-9.]+|\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?")) {
            try {
                out.add(new InetSocketAddress(InetAddress.getByName(host.replace("[", "").replace("]", "")), relayPort));
            } catch (java.net.UnknownHostException e) {
                throw new RouteException("relay address " + host + " is not valid", false);
            }
        } else {
            try {
                for (var a : addresses(host, new Ttl())) {
                    out.add(new InetSocketAddress(named(host, a), relayPort));
                }
            } catch (RouteException e) {
                throw new RouteException("relay " + host + ": " + e.getMessage(), false);
            }
        }
        if (out.isEmpty()) {
            throw new RouteException("relay " + host + " has no address", false);
        }
        if (!privateAllowed) {
            var internal = out.stream().filter(a -> InternalAddresses.internal(a.getAddress())).toList();
            out.removeAll(internal);
            if (out.isEmpty()) {
                throw new RouteException("relay " + host + " resolves to " + internal.get(0).getAddress().getHostAddress()
                        + ", an internal address; a tenant's relay must be public (an admin may set a private relay)", false, "451 4.4.0");
            }
        }
        return out;
    }

    /** How an attempt names a host: "mx.example.com[192.0.2.1]:25", as Postfix logs relay=. */
    public static String describe(InetSocketAddress host) {
        var address = host.getAddress();
        var ip = address == null ? host.getHostString() : address.getHostAddress();
        var name = host.getHostString();
        return (name.equals(ip) ? "" : name) + "[" + ip + "]:" + host.getPort();
    }

    /** The A and AAAA addresses of {@code host} at the configured resolver; empty when it has none or DNS fails. */
    public List<InetAddress> addressesOf(String host) {
        try {
            return addresses(host, new Ttl());
        } catch (RouteException e) {
            return List.of();
        }
    }

    private List<InetAddress> addresses(String host, Ttl ttl) throws RouteException {
        var out = new ArrayList<InetAddress>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                var answer = query(host, type);
                ttl.see(answer);
                for (var r : answer) {
                    if (r instanceof ARecord a) {
                        out.add(a.getAddress());
                    } else if (r instanceof AAAARecord a) {
                        out.add(a.getAddress());
                    }
                }
            } catch (RouteException e) {
                if (e.permanent && type == Type.AAAA) {
                    continue;
                }
                if (type == Type.A && !e.permanent) {
                    throw e;
                }
            }
        }
        return out;
    }

    private List<Record> query(String name, int type) throws RouteException {
        try {
            var qname = Name.fromString(name.endsWith(".") ? name : name + ".");
            var response = resolver.send(Message.newQuery(Record.newRecord(qname, type, DClass.IN)));
            if (response.getRcode() == Rcode.NXDOMAIN) {
                throw new RouteException(name + " does not exist (NXDOMAIN)", true);
            }
            if (response.getRcode() != Rcode.NOERROR) {
                throw new RouteException("DNS answered " + Rcode.string(response.getRcode()) + " for " + name, false);
            }
            return response.getSection(Section.ANSWER);
        } catch (TextParseException e) {
            throw new RouteException("bad domain name " + name, true);
        } catch (IOException e) {
            throw new RouteException("DNS lookup of " + name + " failed: " + e.getMessage(), false);
        }
    }
}
