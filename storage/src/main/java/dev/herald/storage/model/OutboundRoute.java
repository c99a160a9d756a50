package dev.herald.storage.model;

import java.time.Instant;
import java.util.Optional;

/**
 * How mail of a scope leaves: the server default (no tenant, no domain), a tenant, or one sending
 * domain. A relay host means a smarthost (port, TLS mode "starttls", "tls" or "none", certificate
 * verification, AUTH credentials); none means direct MX delivery. A source address pins the
 * local address connections are made from.
 */
public record OutboundRoute(long id, Optional<Long> tenantId, Optional<Long> domainId, Optional<String> relayHost, int relayPort,
                            String relayTls, boolean relayVerify, Optional<String> relayUser, Optional<String> relayPassword,
                            Optional<String> sourceAddress, boolean setByAdmin, Instant createdAt) {
    public static final String TLS_STARTTLS = "starttls";
    public static final String TLS_IMPLICIT = "tls";
    public static final String TLS_NONE = "none";

    @Override
    public String toString() { // never the password, wherever a route is logged
        return "OutboundRoute[id=" + id + ", tenant=" + tenantId.orElse(null) + ", domain=" + domainId.orElse(null) + ", relay="
                + relayHost.map(h -> h + ":" + relayPort + " " + relayTls).orElse("direct") + ", source=" + sourceAddress.orElse("pool") + "]";
    }
}
