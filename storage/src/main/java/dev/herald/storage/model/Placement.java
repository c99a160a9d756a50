package dev.herald.storage.model;

/** Where a new mailbox goes: its domain, that domain's tenant, and a workspace of that tenant, read together. */
public record Placement(Domain domain, Tenant tenant, java.util.Optional<Workspace> workspace) {
}
