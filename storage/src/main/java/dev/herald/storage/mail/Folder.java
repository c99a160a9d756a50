package dev.herald.storage.mail;

import java.util.Optional;

/** One folder of a mailbox, with the counters IMAP needs. */
public record Folder(long id, long mailboxId, String name, Optional<String> specialUse, long uidValidity, long uidNext,
                     long highestModseq, boolean subscribed) {
    public static final String INBOX = "INBOX";
    public static final String SENT = "Sent";
}
