package dev.herald.storage.model;

import java.util.Locale;

/**
 * What an event says happened. Message events follow one recipient (or, for accepted, one
 * message) through the server; breaker and admin events are about senders and configuration.
 */
public enum EventType {
    /** A message was accepted over SMTP (250 after DATA): client, authentication, TLS. */
    ACCEPTED,
    /** A recipient was refused at RCPT by policy (suppression, budget, paused sender, list). */
    REJECTED,
    /** A message was delivered into a hosted mailbox. */
    RECEIVED,
    /** A remote recipient entered its tenant's queue. */
    QUEUED,
    /** Policy holds a queued recipient (approval, paused sender). */
    HELD,
    /** Not sent now: policy (warm-up, pacing) or the remote (4xx, no connection); tried again later. */
    DEFERRED,
    /** The remote accepted the recipient. */
    DELIVERED,
    /** A submission's recipient was a hosted mailbox (this or another tenant's) and got it in its INBOX; about the sender. */
    DELIVERED_LOCAL,
    /** The remote refused the recipient (5xx now or a DSN later), or it expired. */
    BOUNCED,
    /** A recipient reported the message as spam (ARF). */
    COMPLAINED,
    /** A recipient was put on the suppression list, or a queued recipient dropped because of it. */
    SUPPRESSED,
    /** A recipient unsubscribed (RFC 8058 or mailto). */
    UNSUBSCRIBED,
    /** A circuit breaker changed state. */
    BREAKER,
    /** A mailbox logged in (SMTP AUTH, IMAP LOGIN/AUTHENTICATE). */
    LOGIN,
    /** A login failed (SMTP AUTH, IMAP, an HTTP API key): wrong credentials or throttled; the mailbox when the account is one. */
    LOGIN_FAILED,
    /** A mailbox deleted messages (IMAP EXPUNGE, CLOSE, MOVE). */
    DELETED,
    /** An admin, tenant or mailbox key changed something over the HTTP API. */
    ADMIN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventType fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
