package dev.herald.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.server.provisioning.ProvisioningException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A request's JSON object, with typed accessors that refuse wrong types and unknown fields by name. */
public final class Body {
    private final ObjectNode node;

    public Body(ObjectNode node) {
        this.node = node;
    }

    public static Body empty() {
        return new Body(JsonNodeFactory.instance.objectNode());
    }

    /** Refuses any field not in {@code allowed}, so a typo ("nmae") is an error, not an ignored field. */
    public Body allowOnly(String... allowed) {
        var known = Set.of(allowed);
        var unknown = new TreeSet<String>();
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw ProvisioningException.invalid("unknown field(s) " + String.join(", ", unknown) + "; expected "
                    + String.join(", ", new TreeSet<>(known)));
        }
        return this;
    }

    public String string(String field) {
        return optString(field).orElseThrow(() -> ProvisioningException.invalid("field '" + field + "' is required"));
    }

    public Optional<String> optString(String field) {
        var v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ProvisioningException.invalid("field '" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }

    public Optional<Boolean> optBool(String field) {
        var v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(bool(field));
    }

    public boolean bool(String field) {
        var v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ProvisioningException.invalid("field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    /**
     * The body as policy changes: each field a setting name; a string, number or boolean sets it,
     * null unsets it.
     */
    public Map<String, Optional<String>> asPolicyChanges() {
        var out = new LinkedHashMap<String, Optional<String>>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            var e = it.next();
            var v = e.getValue();
            if (v.isNull()) {
                out.put(e.getKey(), Optional.empty());
            } else if (v.isValueNode()) {
                out.put(e.getKey(), Optional.of(v.asText()));
            } else if (v.isArray()) {
                var items = new StringBuilder();
                v.forEach(item -> items.append(items.length() == 0 ? "" : ",").append(item.asText()));
                out.put(e.getKey(), Optional.of(items.toString()));
            } else {
                throw ProvisioningException.invalid("policy value '" + e.getKey() + "' must be a string, number, boolean, list or null");
            }
        }
        return out;
    }
}
