package dev.herald.server.imap.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a framed command (text pieces and literals) into an {@link ImapCommand}. Pure.
 * Atoms keep their brackets whole, so {@code BODY.PEEK[HEADER.FIELDS (From To)]<0.100>} is one atom.
 */
public final class ImapParser {
    /** Deepest list nesting accepted: real commands use two or three; deeper input is an attack on the stack. */
    public static final int MAX_DEPTH = 64;

    private final List<Object> pieces;
    private int depth;
    private int piece;
    private int pos;

    private ImapParser(List<Object> pieces) {
        this.pieces = pieces;
    }

    public static ImapCommand parse(List<Object> pieces) throws ImapParseException {
        return new ImapParser(pieces).command();
    }

    private ImapCommand command() throws ImapParseException {
        var tag = atomText();
        if (tag.isEmpty() || tag.contains("*") || tag.contains("+")) {
            throw new ImapParseException("missing or invalid tag");
        }
        if (!space()) {
            throw new ImapParseException("missing command");
        }
        var name = atomText().toUpperCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw new ImapParseException("missing command");
        }
        var args = new ArrayList<Tok>();
        while (space()) {
            args.add(token());
        }
        if (!atEnd()) {
            throw new ImapParseException("unexpected characters after the arguments");
        }
        return new ImapCommand(tag, name, args);
    }

    private String text() {
        return (String) pieces.get(piece);
    }

    private boolean atEnd() {
        return piece >= pieces.size() || (piece == pieces.size() - 1 && pos >= text().length());
    }

    private int peek() {
        if (piece >= pieces.size() || !(pieces.get(piece) instanceof String)) {
            return -1;
        }
        var t = text();
        return pos < t.length() ? t.charAt(pos) : -1;
    }

    private boolean space() {
        if (peek() == ' ') {
            pos++;
            return true;
        }
        return false;
    }

    private Tok token() throws ImapParseException {
        int c = peek();
        if (c == '"') {
            return quoted();
        }
        if (c == '{') {
            return literal();
        }
        if (c == '(') {
            if (++depth > MAX_DEPTH) {
                throw new ImapParseException("parenthesized lists nested deeper than " + MAX_DEPTH + " levels");
            }
            pos++;
            var items = new ArrayList<Tok>();
            while (peek() != ')') {
                if (peek() == -1) {
                    throw new ImapParseException("unterminated list");
                }
                if (!items.isEmpty() && !space()) {
                    throw new ImapParseException("missing space in list");
                }
                if (peek() == ')') {
                    break;
                }
                items.add(token());
            }
            pos++;
            depth--;
            return new Tok.ListTok(items);
        }
        var a = atomText();
        if (a.isEmpty()) {
            throw new ImapParseException("unexpected '" + (c < 0 ? "end of line" : String.valueOf((char) c)) + "'");
        }
        return new Tok.Atom(a);
    }

    /** Atom characters; brackets kept whole with what is inside them, then a partial {@code <a.b>}. */
    private String atomText() {
        var t = piece < pieces.size() && pieces.get(piece) instanceof String ? text() : "";
        int start = pos;
        int depth = 0;
        while (pos < t.length()) {
            char ch = t.charAt(pos);
            if (ch == '[') {
                depth++;
            } else if (ch == ']') {
                depth--;
            } else if (depth == 0 && (ch == ' ' || ch == '(' || ch == ')' || ch == '{' || ch == '"' || ch < 0x20)) {
                break;
            }
            pos++;
        }
        return t.substring(start, pos);
    }

    private Tok quoted() throws ImapParseException {
        var t = text();
        pos++;
        var sb = new StringBuilder();
        while (pos < t.length()) {
            char ch = t.charAt(pos++);
            if (ch == '\\') {
                if (pos >= t.length()) {
                    break;
                }
                char next = t.charAt(pos++);
                if (next != '"' && next != '\\') {
                    throw new ImapParseException("invalid escape \\" + next + " in quoted string");
                }
                sb.append(next);
            } else if (ch == '"') {
                return Tok.Str.of(sb.toString());
            } else {
                sb.append(ch);
            }
        }
        throw new ImapParseException("unterminated quoted string");
    }

    private Tok literal() throws ImapParseException {
        // "{n}" or "{n+}" ends this text piece; the next piece is the literal, then the text goes on.
        var t = text();
        if (!t.endsWith("}") || t.lastIndexOf('{') != pos) {
            throw new ImapParseException("a literal must end the line");
        }
        if (piece + 1 >= pieces.size() || !(pieces.get(piece + 1) instanceof byte[] bytes)) {
            throw new ImapParseException("missing literal data");
        }
        piece += 2;
        pos = 0;
        return new Tok.Str(new String(bytes, StandardCharsets.UTF_8), bytes);
    }
}
