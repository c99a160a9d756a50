package dev.herald.policy;

import dev.herald.storage.model.PolicyLevel;
import java.util.List;
import java.util.Set;

/**
 * One named policy value: its type, its server default, the levels it may be set at, and what it
 * means. Limits are data, not code: the policy steps read these by name.
 */
public record PolicySetting(String name, ValueKind kind, String defaultValue, Set<PolicyLevel> levels,
                            List<String> choices, String description) {

    /** Parses and normalizes a value for this setting. @throws PolicyValueException naming the problem */
    public String normalize(String raw) {
        try {
            return kind.normalize(raw, choices);
        } catch (PolicyValueException e) {
            throw new PolicyValueException(name + ": " + e.getMessage());
        }
    }
}
