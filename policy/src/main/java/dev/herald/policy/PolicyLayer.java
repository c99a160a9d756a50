package dev.herald.policy;

import dev.herald.storage.model.PolicyLevel;
import java.util.Map;

/** The values set at one level, as read from storage. */
public record PolicyLayer(PolicyLevel level, Map<String, String> values) {
}
