package dev.herald.storage.model;

import java.time.Instant;

/** A group of mailboxes inside a tenant that shares one policy (e.g. all support agents). */
public record Workspace(long id, long tenantId, String name, Instant createdAt) {
    public static final String DEFAULT = "default";
}
