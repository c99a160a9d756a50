package dev.herald.server.policy;

import dev.herald.server.outbound.VerpToken;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A feedback-loop complaint (ARF, RFC 5965), read leniently: is it an abuse report, and which of
 * our queue entries is it about. Providers return the original message (message/rfc822) or its
 * header (text/rfc822-headers) with its Return-Path: our VERP address names the entry. Reports
 * that name none of our messages are unattributed: kept (the spool holds them) and counted.
 */
public record ComplaintReport(String feedbackType, Optional<Long> entryId) {
    private static final Pattern TYPE = Pattern.compile("(?im)^\\s*Feedback-Type:\\s*([a-z-]+)");
    private static final Pattern VERP = Pattern.compile("(?i)(" + Pattern.quote(VerpToken.PREFIX) + "[0-9a-z]+-[0-9a-f]{10})@");

    public static ComplaintReport parse(byte[] message, VerpToken verp) {
        var text = new String(message, StandardCharsets.ISO_8859_1);
        var type = TYPE.matcher(text);
        var feedbackType = type.find() ? type.group(1).toLowerCase(Locale.ROOT) : "abuse"; // a report without the field is still a complaint
        var m = VERP.matcher(text);
        while (m.find()) {
            var entry = verp.entry(m.group(1));
            if (entry.isPresent()) {
                return new ComplaintReport(feedbackType, entry);
            }
        }
        return new ComplaintReport(feedbackType, Optional.empty());
    }

    /** Only abuse (and fraud/virus, which are worse) count; "not-spam" and the rest do not. */
    public boolean isComplaint() {
        return feedbackType.equals("abuse") || feedbackType.equals("fraud") || feedbackType.equals("virus");
    }
}
