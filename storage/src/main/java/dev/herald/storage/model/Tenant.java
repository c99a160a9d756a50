package dev.herald.storage.model;

import java.time.Instant;

public record Tenant(long id, String name, Status status, Instant createdAt) {
}
