package dev.herald.server.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an asynchronous bounce to a VERP address says about the one recipient that address names,
 * read leniently. An RFC 3464 report holds one block of fields per recipient (Final-Recipient,
 * Action, Status, Diagnostic-Code); a report about several is read for the block that names ours
 * (Final- or Original-Recipient), else for its failure. Real-world reports fold, lower-case and
 * omit fields: without Status, the Diagnostic-Code's code decides; without any report part, a
 * qmail-style "(#5.1.1)" does. A report with no status at all is {@link Kind#UNPARSED}: kept
 * (filed for the sender) and counted, never an error.
 */
public record BounceReport(Kind kind, Optional<String> status, Optional<String> diagnostic) {
    public enum Kind {
        /** 5.1.x (or a bare 550/551/553): the address does not exist — the tenant's suppression list gets it. */
        HARD,
        /** Another permanent failure (content, policy, a full mailbox): a bounce, no suppression. */
        PERMANENT,
        /** Delayed, delivered, 4.x.x: the remote is still trying, or did deliver. */
        TRANSIENT,
        UNPARSED
    }

    private static final Pattern STATUS = Pattern.compile("(?im)^\\s*Status:\\s*([245])\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern ACTION = Pattern.compile("(?im)^\\s*Action:\\s*([a-z]+)");
    private static final Pattern DIAGNOSTIC = Pattern.compile("(?im)^\\s*Diagnostic-Code:\\s*(.+(?:\\r?\\n[ \\t]+.+)*)");
    private static final Pattern RECIPIENT = Pattern.compile("(?im)^\\s*(?:Final|Original)-Recipient:\\s*(?:rfc822\\s*;)?\\s*<?([^>\\s]+)");
    private static final Pattern ENHANCED = Pattern.compile("\\b([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    private static final Pattern BASIC = Pattern.compile("\\b([245]\\d\\d)\\b");
    private static final Pattern QMAIL = Pattern.compile("\\(#([245])\\.(\\d{1,3})\\.(\\d{1,3})\\)");

    /** The recipients a report's per-recipient blocks name (Final- or Original-Recipient), in lower case. */
    public static Set<String> recipients(byte[] message) {
        var text = new String(message, StandardCharsets.ISO_8859_1);
        var found = new LinkedHashSet<String>();
        var r = RECIPIENT.matcher(text);
        while (r.find()) {
            found.add(r.group(1).toLowerCase(Locale.ROOT));
        }
        return found;
    }

    /** A report read without knowing which recipient it is about. */
    public static BounceReport parse(byte[] message) {
        return parse(message, "");
    }

    public static BounceReport parse(byte[] message, String recipient) {
        var text = new String(message, StandardCharsets.ISO_8859_1);
        var block = recipientBlock(text, recipient.toLowerCase(Locale.ROOT));
        if (block.isPresent()) {
            return fromBlock(block.get());
        }
        var qmail = QMAIL.matcher(text);
        if (qmail.find()) {
            return classify(qmail, "failed", Optional.empty());
        }
        return fromBlock(text); // fields outside any recognizable block: read them wherever they are
    }

    private static BounceReport fromBlock(String block) {
        var diagnostic = DIAGNOSTIC.matcher(block);
        var diag = diagnostic.find() ? Optional.of(diagnostic.group(1).replaceAll("\\s+", " ").trim()) : Optional.<String>empty();
        var action = ACTION.matcher(block);
        var act = action.find() ? action.group(1).toLowerCase(Locale.ROOT) : "";
        var status = STATUS.matcher(block);
        if (status.find()) {
            return classify(status, act, diag);
        }
        if (diag.isPresent()) {
            var enhanced = ENHANCED.matcher(diag.get());
            if (enhanced.find()) {
                return classify(enhanced, act, diag);
            }
            var basic = BASIC.matcher(diag.get());
            if (basic.find() && !act.equals("delayed")) {
                var code = basic.group(1);
                if (code.startsWith("5")) {
                    boolean address = code.equals("550") || code.equals("551") || code.equals("553");
                    return new BounceReport(address ? Kind.HARD : Kind.PERMANENT, Optional.empty(), diag);
                }
                return new BounceReport(Kind.TRANSIENT, Optional.empty(), diag);
            }
        }
        return new BounceReport(Kind.UNPARSED, Optional.empty(), diag);
    }

    private static BounceReport classify(Matcher code, String action, Optional<String> diag) {
        var status = code.group(1) + "." + code.group(2) + "." + code.group(3);
        Kind kind;
        if (code.group(1).equals("5") && !action.equals("delayed") && !action.equals("delivered")) {
            kind = code.group(2).equals("1") ? Kind.HARD : Kind.PERMANENT;
        } else {
            kind = Kind.TRANSIENT;
        }
        return new BounceReport(kind, Optional.of(status), diag);
    }

    /** The per-recipient block about {@code recipient}, else the first that failed, else the first. */
    private static Optional<String> recipientBlock(String text, String recipient) {
        var blocks = new ArrayList<String>();
        for (var paragraph : text.split("\\r?\\n[ \\t]*\\r?\\n")) {
            if (RECIPIENT.matcher(paragraph).find() && (ACTION.matcher(paragraph).find() || STATUS.matcher(paragraph).find()
                    || DIAGNOSTIC.matcher(paragraph).find())) {
                blocks.add(paragraph);
            }
        }
        if (blocks.isEmpty()) {
            return Optional.empty();
        }
        if (!recipient.isEmpty()) {
            for (var b : blocks) {
                var r = RECIPIENT.matcher(b);
                while (r.find()) {
                    if (r.group(1).toLowerCase(Locale.ROOT).equals(recipient)) {
                        return Optional.of(b);
                    }
                }
            }
        }
        return blocks.stream().filter(BounceReport::failed).findFirst().or(() -> Optional.of(blocks.get(0)));
    }

    private static boolean failed(String block) {
        var a = ACTION.matcher(block);
        return a.find() && a.group(1).equalsIgnoreCase("failed");
    }
}
