package dev.herald.storage;

/** The database failed in a way the caller cannot fix (I/O, corruption, a bug in a query). */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
