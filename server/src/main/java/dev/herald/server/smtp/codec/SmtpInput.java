package dev.herald.server.smtp.codec;

/** What the frame decoder hands the session: a command line, a finished DATA body, a BDAT chunk, or an error. */
public sealed interface SmtpInput {
    record Line(String text) implements SmtpInput {
    }

    /** A command line over the length limit (already skipped up to its end). */
    record LineTooLong() implements SmtpInput {
    }

    /**
     * The message after DATA, dot-unstuffed, without the terminating {@code .CRLF}.
     *
     * @param body        the bytes, or empty when the message was over the size limit
     * @param tooBig      the message was larger than the limit; its bytes were discarded
     * @param lineTooLong a line was longer than the limit
     */
    record DataBody(byte[] body, long size, boolean tooBig, boolean lineTooLong) implements SmtpInput {
    }

    record BdatChunk(byte[] bytes, boolean tooBig) implements SmtpInput {
    }
}
