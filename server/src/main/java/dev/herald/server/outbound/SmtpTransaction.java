package dev.herald.server.outbound;

import dev.herald.server.outbound.SmtpClient.Reply;
import dev.herald.server.outbound.SmtpClient.Result;
import dev.herald.server.outbound.SmtpSession.Raw;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One mail transaction on an open session, run on its event loop. With PIPELINING (RFC 2920) the
 * envelope goes out in one write — an RSET if the last transaction was left half-way, MAIL, every
 * RCPT, then DATA (whose 354 is awaited before the body) or, with CHUNKING (RFC 3030), the whole
 * message as one BDAT LAST in the same write: one round trip per message instead of four. Without
 * PIPELINING each command waits for its reply. MAIL carries SIZE, BODY=8BITMIME and SMTPUTF8 as the
 * remote offers and the message needs; a remote lacking what the message needs, or announcing a
 * smaller SIZE, gets a permanent failure without a command sent. After a clean transaction the
 * session is reused as it is (RFC 5321 allows MAIL right after the end of data), no RSET.
 */
final class SmtpTransaction {
    private SmtpTransaction() {
    }

    static CompletableFuture<Result> run(SmtpSession s, CommandTimeouts t, String mailFrom, List<String> rcpts, byte[] message) {
        var needs = MessageNeeds.of(mailFrom, rcpts, message);
        var refusal = refusal(s, needs, message.length);
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(new Result(rcpts.stream().map(r -> refusal.get()).toList(), s.tls));
        }
        var mail = "MAIL FROM:<" + mailFrom + ">" + (s.offers("SIZE") ? " SIZE=" + message.length : "")
                + (needs.eightBit() ? " BODY=8BITMIME" : "") + (needs.utf8() ? " SMTPUTF8" : "");
        boolean chunking = s.offers("CHUNKING");
        var payload = chunking ? withFinalLineEnd(message) : SmtpClient.dotStuffed(message);
        boolean reset = s.needsReset;
        s.needsReset = false;
        return s.offers("PIPELINING") ? pipelined(s, t, reset, mail, rcpts, chunking, payload)
                : lockstep(s, t, reset, mail, rcpts, chunking, payload);
    }

    /** What the remote lacks for this message, as the permanent reply every recipient gets. */
    private static Optional<Reply> refusal(SmtpSession s, MessageNeeds needs, long size) {
        if (needs.utf8() && !s.offers("SMTPUTF8")) {
            return Optional.of(new Reply(553, "5.6.7 " + s.host() + " does not offer SMTPUTF8, which this message needs"
                    + " (a non-ASCII address or header)"));
        }
        if (needs.eightBit() && !s.offers("8BITMIME")) {
            return Optional.of(new Reply(554, "5.6.3 " + s.host() + " does not offer 8BITMIME, which this message needs"
                    + " (8-bit content; converting it would break its DKIM signature)"));
        }
        var limit = s.sizeLimit();
        if (limit.isPresent() && size > limit.get()) {
            return Optional.of(new Reply(552, "5.3.4 the message (" + size + " bytes) is larger than " + s.host()
                    + " accepts (SIZE " + limit.get() + ")"));
        }
        return Optional.empty();
    }

    private static CompletableFuture<Result> pipelined(SmtpSession s, CommandTimeouts t, boolean reset, String mail, List<String> rcpts,
                                                       boolean chunking, byte[] payload) {
        CompletableFuture<Raw> rset = null;
        if (reset) {
            rset = s.expect("RSET", t.command());
            s.write("RSET");
        }
        var mailReply = s.expect("MAIL FROM", t.command());
        s.write(mail);
        var rcptReplies = new ArrayList<CompletableFuture<Raw>>();
        for (var r : rcpts) {
            rcptReplies.add(s.expect("RCPT TO", t.command()));
            s.write("RCPT TO:<" + r + ">");
        }
        var resetReply = rset;
        if (chunking) {
            var end = s.expect("BDAT", t.endOfData());
            s.write("BDAT " + payload.length + " LAST");
            s.write(payload);
            s.flush();
            // Replies arrive in order: when the last one is in, so are the others.
            return end.thenApply(e -> combine(s, resetReply, mailReply.join(), join(rcptReplies), e));
        }
        var data = s.expect("DATA", t.dataInitiation());
        s.write("DATA");
        s.flush();
        return data.thenCompose(d -> body(s, t, resetReply, mailReply.join(), join(rcptReplies), d, payload));
    }

    /** After DATA's reply: the body when the remote is ready for it (a 354 with nobody accepted gets an empty message end). */
    private static CompletableFuture<Result> body(SmtpSession s, CommandTimeouts t, CompletableFuture<Raw> rset, Raw mail, List<Raw> rcpts,
                                                  Raw data, byte[] payload) {
        if (data.code() != 354) {
            return CompletableFuture.completedFuture(combine(s, rset, mail, rcpts, data));
        }
        boolean any = mail.positive() && rcpts.stream().anyMatch(Raw::positive);
        var end = s.expect("the end of data", t.endOfData());
        s.write(any ? payload : ".\r\n".getBytes(StandardCharsets.US_ASCII));
        s.flush();
        return end.thenApply(e -> {
            if (!any) {
                s.needsReset = true;
            }
            return combine(s, rset, mail, rcpts, e);
        });
    }

    private static CompletableFuture<Result> lockstep(SmtpSession s, CommandTimeouts t, boolean reset, String mail, List<String> rcpts,
                                                      boolean chunking, byte[] payload) {
        var start = reset ? s.command("RSET", "RSET", t.command()) : CompletableFuture.<Raw>completedFuture(null);
        return start.thenCompose(r -> {
            if (r != null && !r.positive()) {
                throw new CompletionException(new IOException(s.host() + " refused RSET: " + r.reply()));
            }
            return s.command(mail, "MAIL FROM", t.command());
        }).thenCompose(m -> {
            if (!m.positive()) {
                return CompletableFuture.completedFuture(combine(s, null, m, List.of(), m, rcpts.size()));
            }
            return recipients(s, t, rcpts, 0, new ArrayList<>()).thenCompose(replies -> {
                if (replies.stream().noneMatch(Raw::positive)) {
                    s.needsReset = true; // MAIL was accepted: the transaction is open
                    return CompletableFuture.completedFuture(combine(s, null, m, replies, replies.get(0)));
                }
                if (chunking) {
                    var end = s.expect("BDAT", t.endOfData());
                    s.write("BDAT " + payload.length + " LAST");
                    s.write(payload);
                    s.flush();
                    return end.thenApply(e -> combine(s, null, m, replies, e));
                }
                return s.command("DATA", "DATA", t.dataInitiation()).thenCompose(d -> body(s, t, null, m, replies, d, payload));
            });
        });
    }

    private static CompletableFuture<List<Raw>> recipients(SmtpSession s, CommandTimeouts t, List<String> rcpts, int i, List<Raw> replies) {
        if (i == rcpts.size()) {
            return CompletableFuture.completedFuture(replies);
        }
        return s.command("RCPT TO:<" + rcpts.get(i) + ">", "RCPT TO", t.command()).thenCompose(r -> {
            replies.add(r);
            return recipients(s, t, rcpts, i + 1, replies);
        });
    }

    private static Result combine(SmtpSession s, CompletableFuture<Raw> rset, Raw mail, List<Raw> rcpts, Raw end) {
        return combine(s, rset, mail, rcpts, end, rcpts.size());
    }

    /** Each recipient's outcome: MAIL's refusal, its RCPT's refusal, or the reply to the message itself. */
    private static Result combine(SmtpSession s, CompletableFuture<Raw> rset, Raw mail, List<Raw> rcpts, Raw end, int count) {
        if (rset != null && !rset.join().positive()) {
            throw new CompletionException(new IOException(s.host() + " refused RSET: " + rset.join().reply()));
        }
        var out = new ArrayList<Reply>(count);
        boolean clean = mail.positive() && end.positive();
        for (int i = 0; i < count; i++) {
            if (!mail.positive()) {
                out.add(mail.reply());
            } else if (!rcpts.get(i).positive()) {
                out.add(rcpts.get(i).reply());
                clean = false;
            } else {
                out.add(end.reply());
            }
        }
        // A refusal part-way may leave the remote inside the transaction: the next one starts with RSET.
        s.needsReset |= !clean && mail.positive();
        s.transactions++;
        return new Result(out, s.tls);
    }

    private static List<Raw> join(List<CompletableFuture<Raw>> replies) {
        return replies.stream().map(CompletableFuture::join).toList();
    }

    private static byte[] withFinalLineEnd(byte[] message) {
        if (message.length > 0 && message[message.length - 1] == '\n') {
            return message;
        }
        var out = new byte[message.length + 2];
        System.arraycopy(message, 0, out, 0, message.length);
        out[message.length] = '\r';
        out[message.length + 1] = '\n';
        return out;
    }
}
