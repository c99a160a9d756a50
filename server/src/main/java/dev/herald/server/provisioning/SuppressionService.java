package dev.herald.server.provisioning;

import dev.herald.server.policy.SuppressionIndex;
import dev.herald.storage.model.Suppression;
import dev.herald.storage.model.Tenant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's suppression list (`herald suppression`): admins and the tenant add, list and remove
 * addresses; hard bounces, complaints and unsubscribes add themselves. Never shared across tenants.
 */
public final class SuppressionService {
    private static final Set<String> REASONS = Set.of(Suppression.ADMIN, Suppression.HARD_BOUNCE, Suppression.COMPLAINT,
            Suppression.UNSUBSCRIBE);

    private final SuppressionIndex index;
    private final Lookups lookups;

    public SuppressionService(SuppressionIndex index, Lookups lookups) {
        this.index = index;
        this.lookups = lookups;
    }

    public record Listed(Tenant tenant, Suppression suppression) {
    }

    public Listed add(Caller caller, Optional<String> tenant, String address, Optional<String> reason, Optional<String> detail) {
        var t = lookups.tenantOrOwn(caller, tenant, "adding to a suppression list");
        var a = address(address);
        var r = reason.map(x -> x.trim().toLowerCase(Locale.ROOT)).orElse(Suppression.ADMIN);
        if (!REASONS.contains(r)) {
            throw ProvisioningException.invalid("reason must be one of admin, hard_bounce, complaint, unsubscribe");
        }
        return new Listed(t, index.add(t.id(), a, r, detail));
    }

    public List<Listed> list(Caller caller, Optional<String> tenant, int limit) {
        var t = lookups.tenantOrOwn(caller, tenant, "reading a suppression list");
        if (limit < 1 || limit > 100_000) {
            throw ProvisioningException.invalid("limit must be between 1 and 100000");
        }
        return index.list(t.id(), limit).stream().map(s -> new Listed(t, s)).toList();
    }

    public void remove(Caller caller, Optional<String> tenant, String address) {
        var t = lookups.tenantOrOwn(caller, tenant, "removing from a suppression list");
        if (!index.remove(t.id(), address(address))) {
            throw ProvisioningException.notFound(address + " is not on tenant " + t.name() + "'s suppression list");
        }
    }

    private static String address(String raw) {
        var a = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        if (!a.matches("[^@\\s<>]+@[a-z0-9.-]+\\.[a-z0-9-]+")) {
            throw ProvisioningException.invalid("'" + raw + "' is not an email address");
        }
        return a;
    }
}
