package dev.herald.server.provisioning;

import dev.herald.policy.EffectiveValue;
import dev.herald.policy.PolicyCatalog;
import dev.herald.policy.PolicyLayer;
import dev.herald.policy.PolicyResolver;
import dev.herald.policy.PolicyValueException;
import dev.herald.storage.Stores;
import dev.herald.storage.model.PolicyLevel;
import dev.herald.storage.model.PolicyTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and sets policy at the server, a tenant, a workspace or a mailbox. Values are read from
 * storage on every resolution, so a change applies to every mailbox below it at once.
 */
public final class PolicyService {
    /** Which level a request means: the most specific thing it names. */
    public record Where(Optional<String> tenant, Optional<String> workspace, Optional<String> mailbox) {
    }

    public record PolicyView(PolicyLevel level, String target, Map<String, String> own, Map<String, EffectiveValue> effective) {
    }

    private record Resolved(PolicyLevel level, String target, PolicyTarget at, List<PolicyTarget> chain, long tenantId) {
    }

    private final Stores stores;
    private final Lookups lookups;

    public PolicyService(Stores stores, Lookups lookups) {
        this.stores = stores;
        this.lookups = lookups;
    }

    public PolicyView show(Caller caller, Where where) {
        return view(resolve(caller, where));
    }

    /**
     * Applies changes at one level: a value sets, an empty value unsets (inherit again). All or
     * nothing: one bad value refuses the whole request.
     */
    public PolicyView set(Caller caller, Where where, Map<String, Optional<String>> changes) {
        if (changes.isEmpty()) {
            throw ProvisioningException.invalid("no policy values given (name=value, or name= to unset)");
        }
        var r = resolve(caller, where);
        var normalized = new LinkedHashMap<String, Optional<String>>();
        for (var change : changes.entrySet()) {
            var name = change.getKey();
            try {
                var setting = PolicyCatalog.find(name)
                        .orElseThrow(() -> new PolicyValueException("unknown policy setting '" + name + "'"));
                // Platform guardrails (tenant-wide limits, breakers, warm-up, fair share) are the
                // operator's; tenants tune the per-agent ones.
                if (!caller.isAdmin() && !setting.levels().contains(PolicyLevel.MAILBOX)) {
                    throw ProvisioningException.forbidden("setting " + name + " needs an admin key");
                }
                normalized.put(name, change.getValue().isEmpty() ? Optional.empty()
                        : Optional.of(PolicyCatalog.validate(r.level(), name, change.getValue().get())));
            } catch (PolicyValueException e) {
                throw ProvisioningException.invalid(e.getMessage());
            }
        }
        stores.policies().apply(r.at(), normalized);
        return view(r);
    }

    private PolicyView view(Resolved r) {
        var layers = new ArrayList<PolicyLayer>();
        for (var t : r.chain()) {
            layers.add(new PolicyLayer(t.level(), stores.policies().values(t)));
        }
        return new PolicyView(r.level(), r.target(), stores.policies().values(r.at()), PolicyResolver.resolve(layers));
    }

    private Resolved resolve(Caller caller, Where where) {
        if (where.mailbox().isPresent()) {
            var m = lookups.mailbox(caller, where.mailbox().get());
            caller.requireTenantOrAdmin("mailbox policy");
            var at = new PolicyTarget(PolicyLevel.MAILBOX, m.id());
            return new Resolved(PolicyLevel.MAILBOX, m.address(), at, List.of(PolicyTarget.SERVER,
                    new PolicyTarget(PolicyLevel.TENANT, m.tenantId()), new PolicyTarget(PolicyLevel.WORKSPACE, m.workspaceId()), at),
                    m.tenantId());
        }
        if (where.workspace().isPresent()) {
            var tenant = lookups.tenantOrOwn(caller, where.tenant(), "workspace policy");
            var w = lookups.workspace(tenant, where.workspace().get());
            var at = new PolicyTarget(PolicyLevel.WORKSPACE, w.id());
            return new Resolved(PolicyLevel.WORKSPACE, tenant.name() + "/" + w.name(), at,
                    List.of(PolicyTarget.SERVER, new PolicyTarget(PolicyLevel.TENANT, tenant.id()), at), tenant.id());
        }
        if (where.tenant().isPresent() || !caller.isAdmin()) {
            var tenant = lookups.tenantOrOwn(caller, where.tenant(), "tenant policy");
            var at = new PolicyTarget(PolicyLevel.TENANT, tenant.id());
            return new Resolved(PolicyLevel.TENANT, tenant.name(), at, List.of(PolicyTarget.SERVER, at), tenant.id());
        }
        return new Resolved(PolicyLevel.SERVER, "server", PolicyTarget.SERVER, List.of(PolicyTarget.SERVER), 0);
    }
}
