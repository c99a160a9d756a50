package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.codec.SmtpCommand;
import dev.herald.server.smtp.codec.SmtpInput;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * BDAT (RFC 3030 CHUNKING): the command is answered after its chunk has been read, which the
 * decoder does by count in any case; an error during the transaction discards the rest of it.
 */
public final class BdatHandler {
    private BdatHandler() {
    }

    public static CompletableFuture<Outcome> command(SmtpSession s, SmtpCommand.Bdat c) {
        s.pendingBdat = new long[] {c.size(), c.last() ? 1 : 0};
        return Outcome.silent();
    }

    public static CompletableFuture<Outcome> chunk(SmtpContext ctx, SmtpSession s, SmtpInput.BdatChunk chunk) {
        var pending = s.pendingBdat;
        s.pendingBdat = null;
        if (pending == null) {
            return Outcome.reply(Replies.BAD_SEQUENCE); // a chunk whose BDAT line failed to parse
        }
        boolean last = pending[1] == 1;
        if (!s.inTransaction()) {
            return Outcome.reply(Replies.NEED_MAIL);
        }
        if (s.recipients.isEmpty()) {
            s.bdatFailed = true;
        }
        if (chunk.tooBig()) {
            s.resetTransaction();
            return Outcome.reply(Replies.MESSAGE_TOO_BIG.withText("message exceeds the size limit of "
                    + ctx.config().smtpMaxMessageSize() + " octets"));
        }
        if (s.bdatFailed) {
            if (last) {
                s.resetTransaction();
            }
            return Outcome.reply(s.recipients.isEmpty() ? DataHandler.NO_VALID_RECIPIENTS : Replies.BAD_SEQUENCE);
        }
        if (s.bdat == null) {
            s.bdat = new ByteArrayOutputStream();
        }
        s.bdat.write(chunk.bytes(), 0, chunk.bytes().length);
        if (!last) {
            return Outcome.reply(Replies.bdatReceived(chunk.bytes().length));
        }
        return DataHandler.accept(ctx, s, s.bdat.toByteArray());
    }
}
