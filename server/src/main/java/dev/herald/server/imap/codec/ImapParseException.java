package dev.herald.server.imap.codec;

/** A command that cannot be parsed or has wrong arguments: answered BAD with this message. */
public final class ImapParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImapParseException(String message) {
        super(message);
    }
}
