package dev.herald.storage.model;

import java.time.Instant;

/** A sending and receiving domain, or a subdomain such as support-bot.acme.com, with its own DKIM keys. */
public record Domain(long id, long tenantId, String name, Status status, Instant createdAt) {
}
