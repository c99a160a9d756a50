package dev.herald.server.http;

/** What a route answers: a status and a body that becomes JSON (none for 204). */
public record ApiResponse(int status, Object body) {
    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse created(Object body) {
        return new ApiResponse(201, body);
    }

    /** Bytes as they are, with their media type (a raw message, say). */
    public record Raw(String contentType, byte[] bytes) {
    }

    public static ApiResponse raw(String contentType, byte[] bytes) {
        return new ApiResponse(200, new Raw(contentType, bytes));
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }
}
