package dev.herald.server.imap;

import dev.herald.server.imap.codec.ImapFrame;
import dev.herald.server.imap.codec.ImapParser;

final class ImapParserProbe {
    private ImapParserProbe() {
    }

    static String name(Object frame) {
        try {
            return ImapParser.parse(((ImapFrame.Command) frame).pieces()).name();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
