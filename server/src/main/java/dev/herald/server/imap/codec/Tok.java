package dev.herald.server.imap.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** One token of an IMAP command: an atom, a string (quoted or literal), or a parenthesized list. */
public sealed interface Tok {
    /** An atom as written: NIL, numbers, sequence sets, flags, fetch items with their sections. */
    record Atom(String text) implements Tok {
        public String upper() {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    /** A quoted string (unescaped) or a literal; {@code bytes} are the literal's octets (for APPEND). */
    record Str(String text, byte[] bytes) implements Tok {
        public static Str of(String s) {
            return new Str(s, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    record ListTok(List<Tok> items) implements Tok {
    }

    /** The text of an atom or string (an astring), else null. */
    static String text(Tok t) {
        if (t instanceof Atom a) {
            return a.text();
        }
        if (t instanceof Str s) {
            return s.text();
        }
        return null;
    }
}
