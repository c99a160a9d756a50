package dev.herald.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.server.provisioning.ProvisioningException;
import java.io.IOException;

/** The one JSON mapper of the API. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize response", e);
        }
    }

    /** Parses a request body; an empty body is an empty object. */
    public static Body parseBody(byte[] bytes) {
        if (bytes.length == 0) {
            return Body.empty();
        }
        try {
            var node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                return Body.empty();
            }
            if (!(node instanceof ObjectNode obj)) {
                throw ProvisioningException.invalid("request body must be a JSON object");
            }
            return new Body(obj);
        } catch (IOException e) {
            var msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw ProvisioningException.invalid("request body is not valid JSON: " + msg);
        }
    }
}
