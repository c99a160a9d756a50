package dev.herald.server.http;

import dev.herald.server.provisioning.Caller;
import dev.herald.server.provisioning.ProvisioningException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One authenticated API request, decoded: path parameters, query parameters and the JSON body. */
public record ApiRequest(String method, String path, Map<String, String> params, Map<String, List<String>> query,
                         Body body, Caller caller) {

    public String param(String name) {
        return params.get(name);
    }

    public Optional<String> query(String name) {
        var values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public boolean flag(String name) {
        return query(name).map(v -> {
            switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1", "yes":
                    return true;
                case "false", "0", "no":
                    return false;
                default:
                    throw ProvisioningException.invalid("query parameter " + name + " must be true or false, got '" + v + "'");
            }
        }).orElse(false);
    }

    public int intQuery(String name, int fallback) {
        long v = longQuery(name, fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw ProvisioningException.invalid("query parameter " + name + " is out of range: " + v);
        }
        return (int) v;
    }

    public long longQuery(String name, long fallback) {
        var v = query(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw ProvisioningException.invalid("query parameter " + name + " must be a whole number, got '" + v.get() + "'");
        }
    }
}
