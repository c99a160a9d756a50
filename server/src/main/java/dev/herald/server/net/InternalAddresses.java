package dev.herald.server.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The one rule for "an address a tenant must not make this server connect to" (SSRF): loopback,
 * RFC 1918 private, link-local (cloud metadata at 169.254.169.254), unspecified, multicast,
 * 0.0.0.0/8, carrier-grade NAT 100.64.0.0/10, IPv6 unique-local fc00::/7, and IPv4 addresses
 * wrapped in IPv6 (::ffff:10.0.0.1, 64:ff9b::/96 NAT64) judged by the address they wrap. Used for
 * webhook endpoints, MX hosts and tenants' relays alike.
 */
public final class InternalAddresses {
    private InternalAddresses() {
    }

    public static boolean internal(InetAddress a) {
        if (a instanceof Inet6Address) {
            var b = a.getAddress();
            var wrapped = wrappedV4(b);
            if (wrapped != null) {
                return internal(wrapped);
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7, unique local
            }
        }
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        var b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            return first == 0 || (first == 100 && (b[1] & 0xc0) == 64) || first >= 240; // 0/8, 100.64/10, reserved + broadcast
        }
        return false;
    }

    /** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d or 64:ff9b::a.b.c.d; null otherwise. */
    private static InetAddress wrappedV4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && (b[12] | b[13]) != 0));
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (!mapped && !nat64) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
