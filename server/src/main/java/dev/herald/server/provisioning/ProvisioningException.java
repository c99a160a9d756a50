package dev.herald.server.provisioning;

/** A request refused for a reason the caller can act on; the message says exactly what was wrong. */
public final class ProvisioningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Problem problem;

    public ProvisioningException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProvisioningException invalid(String message) {
        return new ProvisioningException(Problem.INVALID, message);
    }

    public static ProvisioningException notFound(String message) {
        return new ProvisioningException(Problem.NOT_FOUND, message);
    }

    public static ProvisioningException conflict(String message) {
        return new ProvisioningException(Problem.CONFLICT, message);
    }

    public static ProvisioningException forbidden(String message) {
        return new ProvisioningException(Problem.FORBIDDEN, message);
    }
}
