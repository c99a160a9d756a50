package dev.herald.server.policy;

import dev.herald.server.outbound.VerpToken;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A feedback-loop complaint (ARF, RFC 5965), read leniently: is it an abuse report, and which of
 * our queue entries is it about. Providers return the original message (message/rfc822) or its
 * header (text/rfc822-headers) with its Return-Path: our VERP address names the entry. Some
 * redact the Return-Path; then the original's Message-ID and the complaining recipient
 * (Original-Rcpt-To, or the original's To:) name it. Reports that name none of our messages are
 * unattributed: kept (the spool holds them) and counted.
 */
public record ComplaintReport(String feedbackType, Optional<Long> entryId, Optional<String> originalMessageId,
                              Optional<String> originalRecipient) {
    private static final Pattern TYPE = Pattern.compile("(?im)^\\s*Feedback-Type:\\s*([a-z-]+)");
    private static final Pattern VERP = Pattern.compile("(?i)(" + Pattern.quote(VerpToken.PREFIX) + "[0-9a-z]+-[0-9a-f]{10})@");
    /** Where the original message (or its header) starts in the report. */
    private static final Pattern ORIGINAL = Pattern.compile("(?im)^Content-Type:\\s*(?:message/rfc822|text/rfc822-headers)");
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(<[^<>\\s]+>)");
    private static final Pattern RCPT_TO = Pattern.compile("(?im)^Original-Rcpt-To:\\s*<?([^<>\\s]+@[^<>\\s]+?)>?\\s*$");
    private static final Pattern TO = Pattern.compile("(?im)^To:\\s*(?:[^<\\r\\n]*<)?([^<>\\s,]+@[^<>\\s,]+?)>?\\s*$");

    public static ComplaintReport parse(byte[] message, VerpToken verp) {
        var text = new String(message, StandardCharsets.ISO_8859_1);
        var type = TYPE.matcher(text);
        var feedbackType = type.find() ? type.group(1).toLowerCase(Locale.ROOT) : "abuse"; // a report without the field is still a complaint
        var original = ORIGINAL.matcher(text);
        var embedded = original.find() ? text.substring(original.end()) : "";
        var id = MESSAGE_ID.matcher(embedded);
        var messageId = id.find() ? Optional.of(id.group(1)) : Optional.<String>empty();
        var rcpt = RCPT_TO.matcher(text);
        var to = TO.matcher(embedded);
        var recipient = rcpt.find() ? Optional.of(rcpt.group(1).toLowerCase(Locale.ROOT))
                : to.find() ? Optional.of(to.group(1).toLowerCase(Locale.ROOT)) : Optional.<String>empty();
        var m = VERP.matcher(text);
        while (m.find()) {
            var entry = verp.entry(m.group(1));
            if (entry.isPresent()) {
                return new ComplaintReport(feedbackType, entry, messageId, recipient);
            }
        }
        return new ComplaintReport(feedbackType, Optional.empty(), messageId, recipient);
    }

    /** Only abuse (and fraud/virus, which are worse) count; "not-spam" and the rest do not. */
    public boolean isComplaint() {
        return feedbackType.equals("abuse") || feedbackType.equals("fraud") || feedbackType.equals("virus");
    }
}
