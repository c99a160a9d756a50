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
        return resolve(List.of(layer(PolicyTarget.SERVER), layer(new PolicyTarget(PolicyLevel.TENANT, m.tenantId())),
                layer(new PolicyTarget(PolicyLevel.WORKSPACE, m.workspaceId())), layer(new PolicyTarget(PolicyLevel.MAILBOX, m.id()))));
    }

    /** A tenant's values (tenant → server → default): what its domains and the tenant itself are judged by. */
    public Map<String, String> ofTenant(long tenantId) {
        return resolve(List.of(layer(PolicyTarget.SERVER), layer(new PolicyTarget(PolicyLevel.TENANT, tenantId))));
    }

    private PolicyLayer layer(PolicyTarget target) {
        return new PolicyLayer(target.level(), stores.policies().values(target));
    }

    private static Map<String, String> resolve(List<PolicyLayer> layers) {
        var out = new HashMap<String, String>();
        PolicyResolver.resolve(layers).forEach((name, v) -> out.put(name, v.value()));
        return out;
    }
}
