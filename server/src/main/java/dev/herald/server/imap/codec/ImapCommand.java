package dev.herald.server.imap.codec;

import java.util.List;

/** A parsed command: tag, name in upper case, arguments. */
public record ImapCommand(String tag, String name, List<Tok> args) {
    public Tok arg(int i) throws ImapParseException {
        if (i >= args.size()) {
            throw new ImapParseException(name + " needs more arguments");
        }
        return args.get(i);
    }

    /** An astring argument (atom, quoted or literal). */
    public String string(int i) throws ImapParseException {
        var s = Tok.text(arg(i));
        if (s == null) {
            throw new ImapParseException(name + ": argument " + (i + 1) + " must be a string");
        }
        return s;
    }

    public void arity(int min, int max) throws ImapParseException {
        if (args.size() < min || args.size() > max) {
            throw new ImapParseException(name + " takes " + (min == max ? String.valueOf(min) : min + " to " + max) + " argument(s)");
        }
    }
}
