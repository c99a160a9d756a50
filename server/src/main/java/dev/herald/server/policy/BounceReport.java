package dev.herald.server.policy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an asynchronous bounce to a VERP address says, read leniently: the RFC 3464
 * delivery-status fields (Action, Status, Diagnostic-Code) wherever they appear, since real-world
 * reports nest, fold and omit them. The VERP address already names the recipient and message, so
 * Final-Recipient is not needed. A report with no status at all is {@link Kind#UNPARSED}: kept
 * (filed for the sender) and counted, never an error.
 */
public record BounceReport(Kind kind, Optional<String> status, Optional<String> diagnostic) {
    public enum Kind {
        /** 5.1.x: the address does not exist — the tenant's suppression list gets it. */
        HARD,
        /** Another permanent failure (content, policy): a bounce, no suppression. */
        PERMANENT,
        /** Delayed, 4.x.x: the remote is still trying. */
        TRANSIENT,
        UNPARSED
    }

    private static final Pattern STATUS = Pattern.compile("(?im)^\\s*Status:\\s*([245])\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern ACTION = Pattern.compile("(?im)^\\s*Action:\\s*([a-z]+)");
    private static final Pattern DIAGNOSTIC = Pattern.compile("(?im)^\\s*Diagnostic-Code:\\s*(.+(?:\\r?\\n[ \\t]+.+)*)");

    public static BounceReport parse(byte[] message) {
        var text = new String(message, StandardCharsets.ISO_8859_1);
        var status = STATUS.matcher(text);
        var action = ACTION.matcher(text);
        var diagnostic = DIAGNOSTIC.matcher(text);
        var diag = diagnostic.find() ? Optional.of(diagnostic.group(1).replaceAll("\\s+", " ").trim()) : Optional.<String>empty();
        if (!status.find()) {
            return new BounceReport(Kind.UNPARSED, Optional.empty(), diag);
        }
        var code = status.group(1) + "." + status.group(2) + "." + status.group(3);
        var act = action.find() ? action.group(1).toLowerCase(Locale.ROOT) : "";
        Kind kind;
        if (status.group(1).equals("5") && !act.equals("delayed")) {
            kind = status.group(2).equals("1") ? Kind.HARD : Kind.PERMANENT;
        } else {
            kind = Kind.TRANSIENT;
        }
        return new BounceReport(kind, Optional.of(code), diag);
    }
}
