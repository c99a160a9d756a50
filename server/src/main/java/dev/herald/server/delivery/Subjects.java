package dev.herald.server.delivery;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Base subjects (after RFC 5256 section 2.1): reply and forward prefixes in several languages
 * (Re:, Fwd:, Fw:, AW:, WG:, SV:, VS:, Antw:, RE[2]:), mailing-list tags ([list]) and a trailing
 * "(fwd)" are stripped, white space folded, case ignored.
 */
public final class Subjects {
    private static final Pattern PREFIX = Pattern.compile("^\\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|tr|rif)(?:\\[\\d+\\])?\\s*:|\\[[^\\]]*\\])\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FWD_SUFFIX = Pattern.compile("\\s*\\(fwd\\)\\s*$", Pattern.CASE_INSENSITIVE);

    private Subjects() {
    }

    public record Base(String subject, boolean replyOrForward) {
    }

    public static Base base(String subject) {
        var s = subject.replaceAll("\\s+", " ").trim();
        boolean reply = false;
        while (true) {
            var m = PREFIX.matcher(s);
            var f = FWD_SUFFIX.matcher(s);
            if (m.find()) {
                reply |= !m.group().trim().startsWith("[");
                s = s.substring(m.end());
            } else if (f.find()) {
                reply = true;
                s = s.substring(0, f.start());
            } else {
                break;
            }
        }
        return new Base(s.trim().toLowerCase(Locale.ROOT), reply);
    }
}
