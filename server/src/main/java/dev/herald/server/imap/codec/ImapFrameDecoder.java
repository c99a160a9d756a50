package dev.herald.server.imap.codec;

import io.netty.buffer.ByteBuf;
import dev.herald.server.PausableDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Frames IMAP input into whole commands with their literals (RFC 3501 4.3, LITERAL+ of RFC 7888).
 * A synchronizing literal {@code {n}} is announced to the session, which answers "+" (or refuses);
 * a non-synchronizing {@code {n+}} is read at once. A literal over the limit is refused before it
 * is read when the client waits for "+", and skipped by count otherwise; an over-long line is skipped
 * and answered with its own tag (or, when it has none we can read, an untagged BYE).
 *
 * <p>The literal limit is the session's to set: small before login (RFC 7888 LITERAL-), the
 * APPEND limit after. A literal's buffer grows with the bytes that actually arrive; an announced
 * size is never allocated up front, so a client cannot pin memory by announcing and stalling.
 */
public final class ImapFrameDecoder extends PausableDecoder {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d{1,19})(\\+?)\\}$");

    private enum Mode { LINE, LITERAL, SKIP_LITERAL, SKIP_LINE, WAIT_CONTINUATION, RAW_LINE }

    private static final int FIRST_CHUNK = 64 * 1024;

    private final int maxLine;
    private long maxLiteral;
    private Mode mode = Mode.LINE;
    private final List<Object> pieces = new ArrayList<>();
    private long literalLeft;
    private byte[] literal;
    private int literalAt;
    private String tag = "*";
    private long commandBytes;

    public ImapFrameDecoder(int maxLine, long maxLiteral) {
        this.maxLine = maxLine;
        this.maxLiteral = maxLiteral;
    }

    /** The largest literal accepted from now on (raised once the client has logged in). */
    public void maxLiteral(long max) {
        this.maxLiteral = max;
    }

    /** The session sent "+": read the announced literal. */
    public void continueLiteral() {
        mode = Mode.LITERAL;
        resume();
    }

    /** The session refused the announced literal: the client will not send it; the command is over. */
    public void refuseLiteral() {
        pieces.clear();
        mode = Mode.LINE;
        resume();
    }

    /** Next lines are raw (IDLE's DONE, AUTHENTICATE responses) until {@link #commandMode()}. */
    public void rawLines() {
        mode = Mode.RAW_LINE;
    }

    public void commandMode() {
        if (mode == Mode.RAW_LINE) {
            mode = Mode.LINE;
        }
    }

    @Override
    protected void decodeFrames(ByteBuf in, List<Object> out) {
        switch (mode) {
            case LINE, RAW_LINE -> line(in, out);
            case LITERAL -> literal(in, out);
            case SKIP_LITERAL -> skipLiteral(in);
            case SKIP_LINE -> skipLine(in);
            case WAIT_CONTINUATION -> {
            }
        }
    }

    private void line(ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > maxLine) {
                if (pieces.isEmpty()) {
                    tag = tagOf(in.toString(in.readerIndex(), Math.min(in.readableBytes(), 128), StandardCharsets.ISO_8859_1));
                }
                in.skipBytes(in.readableBytes());
                tooLong(out, "command line");
                mode = Mode.SKIP_LINE;
            }
            return;
        }
        int len = lf - in.readerIndex();
        int end = len > 0 && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        var text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
        in.readerIndex(lf + 1);
        if (len + 1 > maxLine) {
            if (pieces.isEmpty()) {
                tag = tagOf(text);
            }
            tooLong(out, "command line");
            return;
        }
        if (mode == Mode.RAW_LINE) {
            out.add(new ImapFrame.Line(text));
            return;
        }
        if (pieces.isEmpty()) {
            tag = tagOf(text);
            commandBytes = 0;
        }
        commandBytes += text.length();
        pieces.add(text);
        var m = LITERAL.matcher(text);
        if (!m.find()) {
            out.add(new ImapFrame.Command(List.copyOf(pieces)));
            pieces.clear();
            return;
        }
        long size;
        try {
            size = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            size = Long.MAX_VALUE;
        }
        boolean sync = m.group(2).isEmpty();
        if (size > maxLiteral || commandBytes + size > maxLiteral + maxLine) {
            if (sync) {
                pieces.clear();
                out.add(new ImapFrame.TooLong(tag, "literal of " + size + " octets"));
            } else {
                literalLeft = size;
                mode = Mode.SKIP_LITERAL;
                out.add(new ImapFrame.TooLong(tag, "literal of " + size + " octets"));
            }
            return;
        }
        literal = new byte[(int) Math.min(size, FIRST_CHUNK)];
        literalAt = 0;
        literalLeft = size;
        commandBytes += size;
        if (sync) {
            mode = Mode.WAIT_CONTINUATION;
            out.add(new ImapFrame.NeedContinuation(size));
        } else {
            mode = Mode.LITERAL;
        }
    }

    private void literal(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), literalLeft);
        if (literalAt + n > literal.length) {
            // Grow with what arrived (doubling, never past the announced size).
            long wanted = Math.max(literalAt + n, Math.min((long) literal.length * 2, literalAt + literalLeft));
            literal = java.util.Arrays.copyOf(literal, (int) wanted);
        }
        in.readBytes(literal, literalAt, n);
        literalAt += n;
        literalLeft -= n;
        if (literalLeft == 0) {
            pieces.add(literal);
            literal = null;
            mode = Mode.LINE;
        }
    }

    private void skipLiteral(ByteBuf in) {
        int n = (int) Math.min(in.readableBytes(), literalLeft);
        in.skipBytes(n);
        literalLeft -= n;
        if (literalLeft == 0) {
            pieces.clear();
            mode = Mode.SKIP_LINE; // the rest of that command line
        }
    }

    private void skipLine(ByteBuf in) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
        } else {
            in.readerIndex(lf + 1);
            pieces.clear();
            mode = Mode.LINE;
        }
    }

    /** The tag a line starts with, when it is one (RFC 3501 tag: ASTRING-CHAR except "+"); else null. */
    public static String tagOf(String line) {
        int sp = line.indexOf(' ');
        var candidate = sp > 0 ? line.substring(0, sp) : null;
        if (candidate == null || candidate.length() > 64) {
            return null;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\+".indexOf(c) >= 0) {
                return null;
            }
        }
        return candidate;
    }

    private void tooLong(List<Object> out, String what) {
        pieces.clear();
        out.add(new ImapFrame.TooLong(tag, what));
    }
}
