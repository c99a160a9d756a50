package dev.herald.storage.mail;

import java.time.Instant;

/** One attempt to send a queued recipient, as the policy counts it: who sent to whom, when it left. */
public record Departure(long tenantId, String sender, String recipient, Instant at) {
}
