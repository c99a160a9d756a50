package dev.herald.storage.spool;

import java.io.IOException;

/** The disk refused the write (no space, quota). Nothing of the batch was committed. */
public final class SpoolFullException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpoolFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
