package dev.herald.server.policy;

import dev.herald.policy.PolicyLayer;
import dev.herald.policy.PolicyResolver;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Mailbox;
import dev.herald.storage.model.PolicyLevel;
import dev.herald.storage.model.PolicyTarget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A mailbox's policy values as they apply now (mailbox → workspace → tenant → server → default),
 * read at each decision: a change through the API applies to the next message, without restart.
 */
public final class EffectivePolicy {
    private final Stores stores;

    public EffectivePolicy(Stores stores) {
        this.stores = stores;
    }

    public Map<String, String> of(Mailbox m) {
        var layers = List.of(
                new PolicyLayer(PolicyLevel.SERVER, stores.policies().values(PolicyTarget.SERVER)),
                new PolicyLayer(PolicyLevel.TENANT, stores.policies().values(new PolicyTarget(PolicyLevel.TENANT, m.tenantId()))),
                new PolicyLayer(PolicyLevel.WORKSPACE, stores.policies().values(new PolicyTarget(PolicyLevel.WORKSPACE, m.workspaceId()))),
                new PolicyLayer(PolicyLevel.MAILBOX, stores.policies().values(new PolicyTarget(PolicyLevel.MAILBOX, m.id()))));
        var out = new HashMap<String, String>();
        PolicyResolver.resolve(layers).forEach((name, v) -> out.put(name, v.value()));
        return out;
    }

    /** A tenant's values (tenant → server → default): what its domains and the tenant itself are judged by. */
    public Map<String, String> ofTenant(long tenantId) {
        var layers = List.of(
                new PolicyLayer(PolicyLevel.SERVER, stores.policies().values(PolicyTarget.SERVER)),
                new PolicyLayer(PolicyLevel.TENANT, stores.policies().values(new PolicyTarget(PolicyLevel.TENANT, tenantId))));
        var out = new HashMap<String, String>();
        PolicyResolver.resolve(layers).forEach((name, v) -> out.put(name, v.value()));
        return out;
    }
}
