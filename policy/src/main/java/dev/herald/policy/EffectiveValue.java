package dev.herald.policy;

import dev.herald.storage.model.PolicyLevel;
import java.util.Optional;

/**
 * A setting's value as it applies to a target, and where it came from.
 *
 * @param source the level that set it, or empty for the built-in default
 */
public record EffectiveValue(String name, String value, Optional<PolicyLevel> source) {
}
