package dev.herald.storage.model;

/** Where a policy value is set; the nearest level to the mailbox wins. */
public enum PolicyLevel {
    SERVER, TENANT, WORKSPACE, MAILBOX;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
