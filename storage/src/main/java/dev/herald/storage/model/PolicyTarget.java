package dev.herald.storage.model;

/** One place a policy can be set: the server (id 0), or a tenant, workspace or mailbox by id. */
public record PolicyTarget(PolicyLevel level, long id) {
    public static final PolicyTarget SERVER = new PolicyTarget(PolicyLevel.SERVER, 0);
}
