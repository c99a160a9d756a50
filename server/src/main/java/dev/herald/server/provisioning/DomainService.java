package dev.herald.server.provisioning;

import dev.herald.server.dkim.DkimKeyGenerator;
import dev.herald.server.dns.DnsRecord;
import dev.herald.server.dns.DnsVerifier;
import dev.herald.server.dns.DomainDnsRecords;
import dev.herald.server.dns.RecordCheck;
import dev.herald.storage.DuplicateException;
import dev.herald.storage.Stores;
import dev.herald.storage.model.DkimKey;
import dev.herald.storage.model.Domain;
import dev.herald.storage.model.Tenant;
import java.util.List;
import java.util.Optional;

public final class DomainService {
    public record DomainDetail(Domain domain, String tenant, List<DkimKey> keys, List<DnsRecord> records, String zone,
                               long mailboxes) {
        public String activeSelector() {
            return keys.stream().filter(DkimKey::active).map(DkimKey::selector).findFirst().orElse("");
        }
    }

    public record Verification(Domain domain, List<RecordCheck> checks) {
        public boolean ok() {
            return checks.stream().allMatch(RecordCheck::ok);
        }
    }

    private final Stores stores;
    private final Lookups lookups;
    private final DomainDnsRecords dnsRecords;
    private final DnsVerifier verifier;

    private final dev.herald.server.policy.Breakers breakers;

    public DomainService(Stores stores, Lookups lookups, DomainDnsRecords dnsRecords, DnsVerifier verifier,
                         dev.herald.server.policy.Breakers breakers) {
        this.breakers = breakers;
        this.stores = stores;
        this.lookups = lookups;
        this.dnsRecords = dnsRecords;
        this.verifier = verifier;
    }

    public DomainDetail add(Caller caller, Optional<String> tenantName, String rawName) {
        caller.requireTenantOrAdmin("adding a domain");
        var tenant = lookups.tenantOrOwn(caller, tenantName, "adding a domain");
        var name = Names.domain(rawName);
        refuseOverlapWithOtherTenants(tenant, name);
        try {
            var domain = stores.domains().create(tenant.id(), name, DkimKeyGenerator.forNewDomain());
            return detail(domain, tenant.name());
        } catch (DuplicateException e) {
            throw ProvisioningException.conflict("domain '" + name + "' is already hosted here");
        }
    }

    /**
     * A tenant may host subdomains of its own domains, but never a parent or a child of another
     * tenant's domain: that would let it receive or sign mail in someone else's name space.
     */
    private void refuseOverlapWithOtherTenants(Tenant tenant, String name) {
        for (var other : stores.domains().list(Optional.empty())) {
            if (other.tenantId() == tenant.id()) {
                continue;
            }
            if (name.endsWith("." + other.name()) || other.name().endsWith("." + name)) {
                throw ProvisioningException.conflict("domain '" + name + "' overlaps a domain of another tenant");
            }
        }
    }

    public List<Domain> list(Caller caller, Optional<String> tenantName) {
        caller.requireTenantOrAdmin("listing domains");
        if (tenantName.isEmpty() && caller.isAdmin()) {
            return stores.domains().list(Optional.empty());
        }
        var tenant = lookups.tenantOrOwn(caller, tenantName, "listing domains");
        return stores.domains().list(Optional.of(tenant.id()));
    }

    public DomainDetail show(Caller caller, String name) {
        caller.requireTenantOrAdmin("showing a domain");
        var domain = lookups.domain(caller, name);
        var tenant = stores.tenants().byId(domain.tenantId()).map(Tenant::name).orElse("");
        return detail(domain, tenant);
    }

    /**
     * Pauses a sending domain (its mailboxes cannot send, its queued mail is held) or resumes it.
     * A domain its circuit breaker paused is resumed by an admin only; resuming starts its breaker
     * window afresh and releases the mail held while it was paused.
     */
    public DomainDetail setStatus(Caller caller, String name, dev.herald.storage.model.Status status) {
        caller.requireTenantOrAdmin((status == dev.herald.storage.model.Status.PAUSED ? "pausing" : "resuming") + " a domain");
        var domain = lookups.domain(caller, name);
        if (status == dev.herald.storage.model.Status.ACTIVE && breakers.pausedDomain(domain.name()) && !caller.isAdmin()) {
            throw ProvisioningException.forbidden("domain " + domain.name() + " was paused by its circuit breaker; an admin resumes it");
        }
        stores.domains().setStatus(domain.id(), status);
        if (status == dev.herald.storage.model.Status.ACTIVE) {
            breakers.resumedDomain(domain.tenantId(), domain.name());
        }
        return show(caller, name);
    }

    public Verification verify(Caller caller, String name) {
        var detail = show(caller, name);
        return new Verification(detail.domain(), verifier.verify(detail.records()));
    }

    /**
     * Moves signing to the standby selector, whose key is already published. With {@code regenerate}
     * the retired selector gets a fresh key pair, to be published before the next rotation.
     */
    public DomainDetail rotateDkim(Caller caller, String name, boolean regenerate) {
        var detail = show(caller, name);
        var standby = detail.keys().stream().filter(k -> !k.active()).findFirst()
                .orElseThrow(() -> ProvisioningException.conflict("domain '" + name + "' has no standby DKIM selector"));
        var retired = detail.activeSelector();
        stores.domains().activateSelector(detail.domain().id(), standby.selector());
        if (regenerate && !retired.isEmpty()) {
            var fresh = DkimKeyGenerator.pair(retired, false);
            stores.domains().replaceKey(detail.domain().id(), retired, fresh.privateKey(), fresh.publicKey());
        }
        return detail(detail.domain(), detail.tenant());
    }

    public void delete(Caller caller, String name, boolean force) {
        var detail = show(caller, name);
        if (detail.mailboxes() > 0 && !force) {
            throw ProvisioningException.conflict("domain '" + detail.domain().name() + "' still has " + detail.mailboxes()
                    + " mailbox(es); delete with force (herald domain delete --force; ?force=true over HTTP) to remove them too");
        }
        stores.domains().delete(detail.domain().id());
    }

    private DomainDetail detail(Domain domain, String tenant) {
        var keys = stores.domains().dkimKeys(domain.id());
        var records = dnsRecords.records(domain.name(), keys);
        return new DomainDetail(domain, tenant, keys, records, dnsRecords.zone(records), stores.domains().mailboxCount(domain.id()));
    }
}
