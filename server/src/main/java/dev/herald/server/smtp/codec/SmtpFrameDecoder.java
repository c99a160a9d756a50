package dev.herald.server.smtp.codec;

import io.netty.buffer.ByteBuf;
import dev.herald.server.PausableDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Frames the SMTP byte stream into {@link SmtpInput}s: command lines, DATA bodies and BDAT chunks.
 *
 * <ul>
 *   <li>DATA ends only at CRLF "." CRLF; a bare LF or CR before or after the dot does not end it
 *   (SMTP smuggling). Leading dots are unstuffed.</li>
 *   <li>BDAT chunks are read by count, as RFC 3030 requires, whether or not the command is accepted.</li>
 *   <li>The session {@link #pause()}s the decoder while it handles an input asynchronously, so
 *   pipelined commands are taken strictly one at a time, and calls {@link #discardBuffered()}
 *   after STARTTLS so that plaintext pipelined behind it is thrown away, never answered.</li>
 * </ul>
 */
public final class SmtpFrameDecoder extends PausableDecoder {
    private enum Mode { LINE, SKIP_LINE, DATA, BDAT }

    private final int maxCommandLine;
    private final int maxDataLine;
    private final long maxMessageSize;

    private Mode mode = Mode.LINE;

    // DATA state
    private ByteArrayOutputStream data;
    private long dataSize;
    private int dataState;
    private boolean pendingCr;
    private int lineLength;
    private boolean lineTooLong;

    // BDAT state
    private long bdatRemaining;
    private ByteArrayOutputStream chunk;
    private boolean chunkTooBig;
    private long bdatTotal;

    public SmtpFrameDecoder(int maxCommandLine, int maxDataLine, long maxMessageSize) {
        this.maxCommandLine = maxCommandLine;
        this.maxDataLine = maxDataLine;
        this.maxMessageSize = maxMessageSize;
    }

    /** Reads the next bytes as a DATA body (after the session answered 354). */
    public void expectData() {
        mode = Mode.DATA;
        data = new ByteArrayOutputStream(8192);
        dataSize = 0;
        dataState = 1; // DATA begins at the start of a line
        pendingCr = false;
        lineLength = 0;
        lineTooLong = false;
    }

    /** A new transaction: BDAT sizes count from zero again. */
    public void resetTransaction() {
        bdatTotal = 0;
    }

    @Override
    protected void decodeFrames(ByteBuf in, List<Object> out) {
        switch (mode) {
            case LINE -> line(in, out);
            case SKIP_LINE -> skipLine(in);
            case DATA -> data(in, out);
            case BDAT -> bdat(in, out);
        }
    }

    private void line(ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > maxCommandLine) {
                in.skipBytes(in.readableBytes());
                mode = Mode.SKIP_LINE;
                out.add(new SmtpInput.LineTooLong());
            }
            return;
        }
        int length = lf - in.readerIndex();
        if (length + 1 > maxCommandLine) {
            in.readerIndex(lf + 1);
            out.add(new SmtpInput.LineTooLong());
            return;
        }
        int end = length > 0 && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        var text = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8); // SMTPUTF8
        in.readerIndex(lf + 1);
        if (text.length() > 5 && text.regionMatches(true, 0, "BDAT ", 0, 5)) {
            startBdat(text);
        }
        out.add(new SmtpInput.Line(text));
        if (mode == Mode.BDAT && bdatRemaining == 0) {
            // BDAT 0 (LAST): an empty chunk, complete now; waiting for bytes that never come left it unanswered.
            mode = Mode.LINE;
            out.add(new SmtpInput.BdatChunk(new byte[0], false));
            chunk = null;
        }
    }

    private void skipLine(ByteBuf in) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
        } else {
            in.readerIndex(lf + 1);
            mode = Mode.LINE;
        }
    }

    private void startBdat(String line) {
        var parts = line.substring(5).trim().split(" +");
        try {
            long size = Long.parseLong(parts[0]);
            if (size >= 0) {
                mode = Mode.BDAT;
                bdatRemaining = size;
                chunk = new ByteArrayOutputStream((int) Math.min(size, 64 * 1024)); // grows with what arrives
                chunkTooBig = false;
            }
        } catch (NumberFormatException e) {
            // not a valid BDAT: the parser answers the syntax error, the bytes stay commands
        }
    }

    private void bdat(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), bdatRemaining);
        if (bdatTotal + n > maxMessageSize) {
            chunkTooBig = true;
        }
        if (!chunkTooBig) {
            var bytes = new byte[n];
            in.readBytes(bytes);
            chunk.write(bytes, 0, n);
        } else {
            in.skipBytes(n);
        }
        bdatTotal += n;
        bdatRemaining -= n;
        if (bdatRemaining == 0) {
            mode = Mode.LINE;
            out.add(new SmtpInput.BdatChunk(chunkTooBig ? new byte[0] : chunk.toByteArray(), chunkTooBig));
            chunk = null;
        }
    }

    /**
     * The DATA state machine over the readable bytes in bulk. dataState: 0 inside a line, 1 at the
     * start of a line (after CRLF), 2 start of line then ".", 3 start of line then ".\r". Runs of
     * ordinary bytes are copied at once; only a stuffed dot is left out.
     */
    private void data(ByteBuf in, List<Object> out) {
        int n = in.readableBytes();
        var bytes = new byte[n];
        in.getBytes(in.readerIndex(), bytes);
        int runStart = 0;
        for (int i = 0; i < n; i++) {
            byte b = bytes[i];
            switch (dataState) {
                case 1 -> {
                    if (b == '.') {
                        append(bytes, runStart, i);
                        runStart = i + 1; // hold the dot back: it is stuffing or the terminator
                        dataState = 2;
                        continue;
                    }
                    dataState = 0;
                }
                case 2 -> {
                    if (b == '\r') {
                        dataState = 3;
                        continue;
                    }
                    dataState = 0; // a stuffed dot: dropped (runStart is already past it)
                }
                case 3 -> {
                    if (b == '\n') {
                        in.skipBytes(i + 1);
                        mode = Mode.LINE;
                        boolean tooBig = dataSize > maxMessageSize;
                        out.add(new SmtpInput.DataBody(tooBig ? new byte[0] : data.toByteArray(), dataSize, tooBig, lineTooLong));
                        data = null;
                        return;
                    }
                    // "." "\r" then something else: the dot was stuffing, the CR is data.
                    dataState = 0;
                    runStart = i - 1;
                }
                default -> {
                }
            }
            if (b == '\n') {
                if (pendingCr) {
                    dataState = 1;
                }
                lineLength = 0;
            } else if (++lineLength > maxDataLine) {
                lineTooLong = true;
            }
            pendingCr = b == '\r';
        }
        // Bytes of a held-back ".\r" stay unconsumed until the next read decides what they are.
        int keep = dataState == 2 ? 0 : dataState == 3 ? 1 : 0;
        append(bytes, runStart, n - keep);
        in.skipBytes(n - keep);
        if (dataState == 3) {
            dataState = 2; // re-read the CR next time
        }
    }

    private void append(byte[] bytes, int from, int to) {
        int len = to - from;
        if (len <= 0) {
            return;
        }
        dataSize += len;
        if (dataSize <= maxMessageSize) {
            data.write(bytes, from, len);
        }
    }

    @Override
    public String toString() {
        return "SmtpFrameDecoder[" + mode.name().toLowerCase(Locale.ROOT) + "]";
    }
}
