package dev.herald.server.imap.handlers;

/** Where a handler writes its untagged responses and continuation requests. */
public interface Responder {
    /** An untagged response line without the leading "* " and CRLF. */
    void untagged(String line);

    /** Raw bytes of a complete untagged response (with "* " and CRLF), e.g. a FETCH with literals. */
    void raw(byte[] bytes);

    void continuation(String text);
}
