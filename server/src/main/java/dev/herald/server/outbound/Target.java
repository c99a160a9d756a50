package dev.herald.server.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One host to hand mail to and how: the local address to connect from, the TLS mode, and the
 * credentials for a smarthost. Sessions are pooled per target, so two routes to the same host
 * with different source addresses or credentials never share one.
 */
public record Target(InetSocketAddress host, Optional<InetAddress> source, Tls tls, boolean verifyCertificate,
                     Optional<Credentials> auth) {
    public enum Tls {
        /** An MX: STARTTLS when offered, any certificate (an MX has no name a client could pin). */
        OPPORTUNISTIC,
        /** A smarthost that must offer STARTTLS; otherwise the attempt fails and is retried. */
        STARTTLS,
        /** A smarthost speaking TLS from the first byte (port 465). */
        IMPLICIT,
        /** Plain text, for a relay on a trusted network. */
        NONE
    }

    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + "]";
        }
    }

    public static Target direct(InetSocketAddress host, Optional<InetAddress> source) {
        return new Target(host, source, Tls.OPPORTUNISTIC, false, Optional.empty());
    }
}
