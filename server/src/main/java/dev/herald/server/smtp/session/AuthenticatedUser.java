package dev.herald.server.smtp.session;

/** Who authenticated on a submission session: a mailbox, by its address or a key scoped to it. */
public record AuthenticatedUser(long mailboxId, long tenantId, String address, String method) {
}
