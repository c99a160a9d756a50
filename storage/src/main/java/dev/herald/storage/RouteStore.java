package dev.herald.storage;

import dev.herald.storage.model.OutboundRoute;
import java.util.List;
import java.util.Optional;

/** Outbound routes: at most one per scope (server, tenant, or sending domain). */
public interface RouteStore {
    /** Creates or replaces the route of its scope (the id and creation time are assigned here). */
    OutboundRoute put(OutboundRoute route);

    Optional<OutboundRoute> byId(long id);

    /** Every route, or the ones of one tenant (its tenant route and its domains' routes). */
    List<OutboundRoute> list(Optional<Long> tenantId);

    boolean delete(long id);

    /** The most specific route for mail of this tenant from this sending domain: domain, tenant, server; or none. */
    Optional<OutboundRoute> forSending(long tenantId, Optional<Long> domainId);
}
