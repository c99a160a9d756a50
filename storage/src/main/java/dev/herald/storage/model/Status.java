package dev.herald.storage.model;

/** Whether a tenant, domain or mailbox may send. Only an admin moves a paused one back. */
public enum Status {
    ACTIVE, PAUSED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
