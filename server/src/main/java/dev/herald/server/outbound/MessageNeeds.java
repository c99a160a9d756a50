package dev.herald.server.outbound;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a message asks of the receiving server: 8BITMIME when any byte is outside ASCII (RFC 6152),
 * SMTPUTF8 when an envelope address or the header section is (RFC 6531/6532). A remote lacking
 * what the message needs gets a permanent failure naming the extension, never a silently
 * mangled message (a conversion would also break the DKIM signature).
 */
record MessageNeeds(boolean eightBit, boolean utf8) {
    static MessageNeeds of(String mailFrom, List<String> recipients, byte[] message) {
        boolean utf8 = !ascii(mailFrom) || recipients.stream().anyMatch(r -> !ascii(r));
        boolean eightBit = false;
        boolean inHeader = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b < 0) { // the first byte outside ASCII decides: in the header it needs SMTPUTF8, in the body 8BITMIME
                eightBit = true;
                utf8 |= inHeader;
                break;
            }
            // The header section ends at the first empty line.
            if (inHeader && b == '\n' && (i + 1 < message.length && message[i + 1] == '\n'
                    || i + 2 < message.length && message[i + 1] == '\r' && message[i + 2] == '\n')) {
                inHeader = false;
            }
        }
        return new MessageNeeds(eightBit || utf8, utf8);
    }

    private static boolean ascii(String s) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(s);
    }
}
