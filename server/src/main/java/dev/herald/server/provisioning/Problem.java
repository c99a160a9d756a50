package dev.herald.server.provisioning;

/** The kinds of refusal an admin or agent can get, each with the HTTP status the API answers. */
public enum Problem {
    INVALID(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), TOO_LARGE(413);

    private final int httpStatus;

    Problem(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
