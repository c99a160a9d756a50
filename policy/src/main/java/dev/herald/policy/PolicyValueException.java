package dev.herald.policy;

/** A policy name or value that cannot be accepted; the message says what is wrong. */
public final class PolicyValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PolicyValueException(String message) {
        super(message);
    }
}
