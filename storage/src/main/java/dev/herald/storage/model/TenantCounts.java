package dev.herald.storage.model;

/** How much a tenant owns; shown by {@code tenant show} and checked before a delete. */
public record TenantCounts(long workspaces, long domains, long mailboxes, long apiKeys) {
}
