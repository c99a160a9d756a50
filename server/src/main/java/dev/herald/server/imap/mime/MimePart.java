package dev.herald.server.imap.mime;

import java.util.List;
import java.util.Map;

/**
 * One entity of a message, by byte offsets into the raw message: its header is
 * {@code [headerStart, bodyStart)}, its body {@code [bodyStart, end)}.
 *
 * @param params  Content-Type parameters, names lowercased
 * @param message for message/rfc822: the embedded message's own structure, else null
 */
public record MimePart(int headerStart, int bodyStart, int end, String type, String subtype, Map<String, String> params,
                       String id, String description, String encoding, String disposition, Map<String, String> dispositionParams,
                       String language, String location, List<MimePart> children, MimePart message) {

    public boolean multipart() {
        return type.equals("multipart");
    }

    public int bodySize() {
        return end - bodyStart;
    }
}
