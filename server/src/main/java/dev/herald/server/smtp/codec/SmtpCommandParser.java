package dev.herald.server.smtp.codec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses one command line (without CRLF) into a {@link SmtpCommand}. Pure. */
public final class SmtpCommandParser {
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*(=[^= \\x00-\\x1f]*)?");
    private static final Pattern DOMAIN = Pattern.compile("(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.)*[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?");
    /**
     * What HELO/EHLO may name (RFC 5321 4.1.1.1): a domain (labels of letters, digits, '-' and, as
     * real hosts send it, '_'; a final dot) or an address literal of printable characters.
     * Anything else, control characters above all, would be copied into the Received: header.
     */
    private static final Pattern HELO_DOMAIN = Pattern.compile("(?:[\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_-]{0,61}[\\p{L}\\p{N}_])?\\.)*"
            + "[\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_-]{0,61}[\\p{L}\\p{N}_])?\\.?");
    private static final Pattern HELO_LITERAL = Pattern.compile("\\[[\\x21-\\x5a\\x5e-\\x7e]{1,253}]");
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[[^\\[\\]\\\\\\s]{1,253}\\]");
    /** atext of RFC 5322, plus UTF-8 (RFC 6531), for dot-string local parts. */
    private static final Pattern DOT_STRING = Pattern.compile("[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+(\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*");

    private SmtpCommandParser() {
    }

    public static SmtpCommand parse(String line) throws SmtpSyntaxException {
        int sp = line.indexOf(' ');
        var verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        var rest = sp < 0 ? "" : line.substring(sp + 1).trim();
        switch (verb) {
            case "EHLO", "HELO":
                if (rest.isEmpty()) {
                    throw new SmtpSyntaxException(Replies.BAD_PARAMETER.withText(verb + " needs a domain or address literal"));
                }
                var name = rest.split(" ")[0];
                if (name.length() > 255 || !(HELO_DOMAIN.matcher(name).matches() || HELO_LITERAL.matcher(name).matches())) {
                    throw new SmtpSyntaxException(Replies.BAD_PARAMETER.withText(verb + " needs a domain or address literal (RFC 5321 4.1.1.1)"));
                }
                return new SmtpCommand.Helo(name, verb.equals("EHLO"));
            case "MAIL":
                var from = pathAndParams(rest, "FROM:", true);
                return new SmtpCommand.Mail(from.path(), from.params());
            case "RCPT":
                var to = pathAndParams(rest, "TO:", false);
                return new SmtpCommand.Rcpt(to.path(), to.params());
            case "DATA":
                requireNoArgument(verb, rest);
                return new SmtpCommand.Data();
            case "BDAT":
                return bdat(rest);
            case "RSET":
                requireNoArgument(verb, rest);
                return new SmtpCommand.Rset();
            case "NOOP":
                return new SmtpCommand.Noop();
            case "QUIT":
                requireNoArgument(verb, rest);
                return new SmtpCommand.Quit();
            case "STARTTLS":
                requireNoArgument(verb, rest);
                return new SmtpCommand.StartTls();
            case "VRFY":
                return new SmtpCommand.Vrfy(rest);
            case "HELP":
                return new SmtpCommand.Help(rest);
            case "AUTH":
                if (rest.isEmpty()) {
                    throw new SmtpSyntaxException(Replies.SYNTAX.withText("AUTH needs a mechanism"));
                }
                var parts = rest.split(" ", 2);
                return new SmtpCommand.Auth(parts[0].toUpperCase(Locale.ROOT), parts.length == 2 ? Optional.of(parts[1].trim()) : Optional.empty());
            default:
                return new SmtpCommand.Unknown(verb);
        }
    }

    private static void requireNoArgument(String verb, String rest) throws SmtpSyntaxException {
        if (!rest.isEmpty()) {
            throw new SmtpSyntaxException(Replies.BAD_PARAMETER.withText(verb + " takes no argument"));
        }
    }

    private static SmtpCommand bdat(String rest) throws SmtpSyntaxException {
        var parts = rest.split(" +");
        try {
            long size = Long.parseLong(parts[0]);
            if (size < 0 || parts.length > 2 || (parts.length == 2 && !parts[1].equalsIgnoreCase("LAST"))) {
                throw new NumberFormatException();
            }
            return new SmtpCommand.Bdat(size, parts.length == 2);
        } catch (NumberFormatException e) {
            throw new SmtpSyntaxException(Replies.BAD_PARAMETER.withText("BDAT needs a chunk size and optionally LAST"));
        }
    }

    private record PathAndParams(MailPath path, Map<String, String> params) {
    }

    private static PathAndParams pathAndParams(String rest, String keyword, boolean reverse) throws SmtpSyntaxException {
        var bad = reverse ? Replies.BAD_SENDER_SYNTAX : Replies.BAD_RECIPIENT_SYNTAX;
        if (!rest.regionMatches(true, 0, keyword, 0, keyword.length())) {
            throw new SmtpSyntaxException(Replies.SYNTAX.withText("expected " + (reverse ? "MAIL FROM:<address>" : "RCPT TO:<address>")));
        }
        var s = rest.substring(keyword.length()).stripLeading(); // tolerate "FROM: <a@b>"
        if (!s.startsWith("<")) {
            throw new SmtpSyntaxException(bad.withText("the address must be in angle brackets"));
        }
        int close = closingBracket(s);
        if (close < 0) {
            throw new SmtpSyntaxException(bad.withText("no closing '>'"));
        }
        var inner = s.substring(1, close);
        var params = params(s.substring(close + 1));
        if (inner.isEmpty()) {
            if (!reverse) {
                throw new SmtpSyntaxException(bad.withText("an empty recipient is not an address"));
            }
            return new PathAndParams(MailPath.NULL, params);
        }
        return new PathAndParams(mailbox(stripSourceRoute(inner), bad), params);
    }

    /** The index of the '>' closing the path, skipping quoted strings (a quoted local part may hold '>'). */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** {@code @a.example,@b.example:user@c.example} → {@code user@c.example} (RFC 5321 4.1.2, C.2). */
    private static String stripSourceRoute(String path) {
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            return colon < 0 ? path : path.substring(colon + 1);
        }
        return path;
    }

    static MailPath mailbox(String s, SmtpReply bad) throws SmtpSyntaxException {
        int at;
        String local;
        boolean quoted = s.startsWith("\"");
        if (quoted) {
            int end = 1;
            while (end < s.length() && s.charAt(end) != '"') {
                end += s.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= s.length() || end + 1 >= s.length() || s.charAt(end + 1) != '@') {
                throw new SmtpSyntaxException(bad.withText("malformed quoted local part"));
            }
            local = s.substring(0, end + 1);
            at = end + 1;
        } else {
            at = s.lastIndexOf('@');
            if (at <= 0) {
                throw new SmtpSyntaxException(bad.withText("expected local-part@domain"));
            }
            local = s.substring(0, at);
            if (!DOT_STRING.matcher(local).matches()) {
                throw new SmtpSyntaxException(bad.withText("malformed local part"));
            }
        }
        var domain = s.substring(at + 1);
        if (local.length() > 64 + (quoted ? 2 : 0) || domain.length() > 255) {
            throw new SmtpSyntaxException(bad.withText("address too long"));
        }
        if (ADDRESS_LITERAL.matcher(domain).matches()) {
            return new MailPath(local, domain, quoted, true);
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw new SmtpSyntaxException(bad.withText("malformed domain"));
        }
        return new MailPath(local, domain, quoted, false);
    }

    private static Map<String, String> params(String s) throws SmtpSyntaxException {
        var out = new LinkedHashMap<String, String>();
        for (var p : s.trim().split(" +")) {
            if (p.isEmpty()) {
                continue;
            }
            if (!PARAM.matcher(p).matches()) {
                throw new SmtpSyntaxException(Replies.BAD_PARAMETER.withText("malformed parameter " + p));
            }
            int eq = p.indexOf('=');
            out.put((eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT), eq < 0 ? "" : p.substring(eq + 1));
        }
        return out;
    }
}
