package dev.herald.storage;

import dev.herald.storage.model.PolicyTarget;
import java.util.Map;
import java.util.Optional;

public interface PolicyStore {
    /** The values set exactly at this target (not inherited ones). */
    Map<String, String> values(PolicyTarget target);

    /** Sets (present) or unsets (empty) each named value, all in one transaction. */
    void apply(PolicyTarget target, Map<String, Optional<String>> changes);
}
