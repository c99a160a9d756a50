package dev.herald.policy;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Policy inheritance: mailbox → workspace → tenant → server → built-in default; the nearest level
 * that sets a value wins. Pure: the caller reads the layers, this only decides.
 */
public final class PolicyResolver {
    private PolicyResolver() {
    }

    /** Every setting of the catalogue, resolved through {@code layers} (in any order). */
    public static Map<String, EffectiveValue> resolve(List<PolicyLayer> layers) {
        var nearestFirst = layers.stream()
                .sorted(Comparator.comparing(PolicyLayer::level).reversed())
                .toList();
        var out = new LinkedHashMap<String, EffectiveValue>();
        for (var setting : PolicyCatalog.all()) {
            var value = new EffectiveValue(setting.name(), setting.defaultValue(), Optional.empty());
            for (var layer : nearestFirst) {
                var set = layer.values().get(setting.name());
                if (set != null) {
                    value = new EffectiveValue(setting.name(), set, Optional.of(layer.level()));
                    break;
                }
            }
            out.put(setting.name(), value);
        }
        return out;
    }
}
