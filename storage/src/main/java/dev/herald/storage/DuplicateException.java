package dev.herald.storage;

/** A create collided with a unique name (tenant, workspace in its tenant, domain, mailbox address). */
public final class DuplicateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}
