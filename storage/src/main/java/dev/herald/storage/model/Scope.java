package dev.herald.storage.model;

/** What an API key may reach: everything, one tenant, or one mailbox. */
public enum Scope {
    ADMIN, TENANT, MAILBOX;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
