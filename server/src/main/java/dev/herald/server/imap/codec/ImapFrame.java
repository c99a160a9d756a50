package dev.herald.server.imap.codec;

import java.util.List;

/** What the IMAP decoder hands the session. */
public sealed interface ImapFrame {
    /**
     * A whole command: its text pieces and literals in order ({@code String} and {@code byte[]}),
     * e.g. {@code ["a1 APPEND Drafts {12}", bytes, ""]}.
     */
    record Command(List<Object> pieces) implements ImapFrame {
    }

    /** The client announced a synchronizing literal and waits for "+" before sending it. */
    record NeedContinuation(long size) implements ImapFrame {
    }

    /** A line or literal over the limits; the rest of the command was skipped. Carries the tag if known. */
    record TooLong(String tag, String what) implements ImapFrame {
    }

    /** A line while in IDLE (DONE) or an AUTHENTICATE response line: raw text. */
    record Line(String text) implements ImapFrame {
    }
}
