package dev.herald.server.imap.handlers;

import dev.herald.server.delivery.HeaderParser;
import dev.herald.server.imap.ImapContext;
import dev.herald.server.imap.codec.ImapCommand;
import dev.herald.server.imap.codec.ImapParseException;
import dev.herald.server.imap.codec.Tok;
import dev.herald.server.imap.session.ImapSession;
import dev.herald.storage.mail.MailStore;
import dev.herald.storage.spool.SpoolEnvelope;
import dev.herald.storage.spool.SpoolFullException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * APPEND (with UIDPLUS's APPENDUID): the message goes through the spool like any accepted mail —
 * fsync'ed before OK, replayed after a crash — and is filed into the folder by delivery.
 */
public final class AppendHandler implements ImapHandler {
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    /** How long after a submission an APPEND of the same message to Sent is taken as the client's copy of it. */
    static final java.time.Duration SENT_DEDUPE_WINDOW = java.time.Duration.ofMinutes(10);

    /**
     * Herald files every submission in Sent; mutt, Thunderbird and most clients APPEND their own
     * copy too. As Gmail does, an APPEND to Sent whose Message-ID is already there from the last
     * few minutes is that message: its UID is returned (with the client's flags added), no second copy.
     */
    private static Optional<Long> alreadyInSent(ImapContext ctx, long folderId, byte[] bytes, List<String> flags) {
        var messageId = HeaderParser.parse(bytes).fields().messageId();
        if (messageId.isEmpty()) {
            return Optional.empty();
        }
        var existing = ctx.stores().mail().recentByMessageId(folderId, messageId.get(), ctx.clock().instant().minus(SENT_DEDUPE_WINDOW));
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        if (!flags.isEmpty()) {
            var update = ctx.stores().mail().updateFlags(folderId, existing.get().uid(), MailStore.FlagOp.ADD,
                    flags.stream().map(StoreHandler::canonical).collect(java.util.stream.Collectors.toSet()), -1);
            if (update.result() == MailStore.FlagUpdate.Result.CHANGED) {
                ctx.events().changed(existing.get().mailboxId());
            }
        }
        return Optional.of(existing.get().uid());
    }

    @Override
    public Set<String> commands() {
        return Set.of("APPEND");
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public List<String> capabilities() {
        return List.of("UIDPLUS");
    }

    @Override
    public CompletableFuture<String> handle(ImapContext ctx, ImapSession s, ImapCommand c, Responder out) throws ImapParseException {
        c.arity(2, 4);
        var name = c.string(0);
        var flags = new ArrayList<String>();
        Instant date = null;
        int i = 1;
        if (c.arg(i) instanceof Tok.ListTok list) {
            for (var f : list.items()) {
                flags.add(Tok.text(f));
            }
            i++;
        }
        if (i < c.args().size() - 1 && c.arg(i) instanceof Tok.Str d) {
            try {
                date = ZonedDateTime.parse(d.text().trim(), DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw new ImapParseException("invalid date-time '" + d.text() + "'");
            }
            i++;
        }
        if (!(c.arg(i) instanceof Tok.Str message) || i != c.args().size() - 1) {
            throw new ImapParseException("APPEND needs the message as a literal");
        }
        flags.remove("\\Recent");
        var folder = Folders.find(ctx, s, name);
        if (folder.isEmpty()) {
            return ImapHandler.done("NO [TRYCREATE] no folder named " + name);
        }
        var user = s.user.orElseThrow();
        var bytesIn = message.bytes();
        if (folder.get().specialUse().filter("\\Sent"::equals).isPresent()) {
            var duplicate = alreadyInSent(ctx, folder.get().id(), bytesIn, flags);
            if (duplicate.isPresent()) {
                return ImapHandler.done("OK [APPENDUID " + folder.get().uidValidity() + " " + duplicate.get() + "] APPEND completed "
                        + "(the copy filed when it was sent)");
            }
        }
        var id = String.format("%011x%05x", System.currentTimeMillis(), (int) (Math.random() * (1 << 20))).toUpperCase(Locale.ROOT);
        var envelope = new SpoolEnvelope(id, date != null ? date : ctx.clock().instant(), SpoolEnvelope.APPEND, s.clientIp, "", s.tls ? "TLS" : "",
                Optional.of(user.mailboxId()), user.address(), List.of(), Optional.empty(), Optional.empty(),
                Optional.of(folder.get().name()), List.copyOf(flags));
        var bytes = bytesIn;
        var uidValidity = folder.get().uidValidity();
        return ctx.spool().append(envelope, bytes)
                .thenCompose(entry -> ctx.delivery().submitAppend(entry, bytes))
                .handle((stored, failure) -> {
                    if (failure != null) {
                        var cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                        return cause instanceof SpoolFullException ? "NO [OVERQUOTA] no space left, try again later"
                                : "NO [SERVERBUG] could not store the message";
                    }
                    return "OK [APPENDUID " + uidValidity + " " + stored.uid() + "] APPEND completed";
                });
    }
}
