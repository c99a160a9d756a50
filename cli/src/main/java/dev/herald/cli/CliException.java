package dev.herald.cli;

/** A failure to report as one line on standard error, exit code 1. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }
}
