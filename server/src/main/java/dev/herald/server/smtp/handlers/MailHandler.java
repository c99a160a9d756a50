package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.codec.SmtpCommand;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import dev.herald.storage.model.Status;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** MAIL FROM: opens a transaction. On submission the sender must be the authenticated mailbox. */
public final class MailHandler {
    private static final Set<String> PARAMS = Set.of("SIZE", "BODY", "SMTPUTF8", "RET", "ENVID", "AUTH");

    private MailHandler() {
    }

    public static CompletableFuture<Outcome> handle(SmtpContext ctx, SmtpSession s, SmtpCommand.Mail c) {
        if (s.helo.isEmpty()) {
            return Outcome.reply(Replies.NEED_HELO);
        }
        if (s.inTransaction()) {
            return Outcome.reply(Replies.NESTED_MAIL);
        }
        if (s.listener.isSubmission() && s.user.isEmpty()) {
            return Outcome.reply(s.tls.isEmpty() ? Replies.ENCRYPTION_REQUIRED : Replies.AUTH_REQUIRED);
        }
        for (var p : c.params().entrySet()) {
            if (!PARAMS.contains(p.getKey())) {
                return Outcome.reply(Replies.UNKNOWN_PARAMETER.withText("unsupported MAIL parameter " + p.getKey()));
            }
        }
        var size = c.params().get("SIZE");
        if (size != null) {
            try {
                if (Long.parseLong(size) > ctx.config().smtpMaxMessageSize()) {
                    return Outcome.reply(Replies.MESSAGE_TOO_BIG.withText("message size " + size + " exceeds the limit of "
                            + ctx.config().smtpMaxMessageSize() + " octets"));
                }
            } catch (NumberFormatException e) {
                return Outcome.reply(Replies.BAD_PARAMETER.withText("SIZE must be a number"));
            }
        }
        var body = c.params().get("BODY");
        if (body != null && !body.equalsIgnoreCase("7BIT") && !body.equalsIgnoreCase("8BITMIME")) {
            return Outcome.reply(Replies.UNKNOWN_PARAMETER.withText("BODY must be 7BIT or 8BITMIME"));
        }
        var ret = c.params().get("RET");
        if (ret != null && !ret.equalsIgnoreCase("FULL") && !ret.equalsIgnoreCase("HDRS")) {
            return Outcome.reply(Replies.BAD_PARAMETER.withText("RET must be FULL or HDRS"));
        }
        if (!c.params().containsKey("SMTPUTF8") && !ascii(c.path().address())) {
            return Outcome.reply(Replies.SMTPUTF8_REQUIRED);
        }
        if (s.user.isPresent()) {
            var user = s.user.get();
            if (c.path().isNull() || !c.path().address().toLowerCase(Locale.ROOT).equals(user.address())) {
                return Outcome.reply(Replies.SENDER_NOT_OWNED);
            }
            var mailbox = ctx.stores().mailboxes().byId(user.mailboxId());
            if (mailbox.isEmpty() || mailbox.get().status() == Status.PAUSED) {
                return Outcome.reply(ctx.sendPolicy().breakers().pausedMailbox(user.mailboxId())
                        ? Replies.MAILBOX_PAUSED.withText("this mailbox is paused by its circuit breaker (bounce or complaint rate "
                        + "too high): an admin can resume it with `herald mailbox resume`")
                        : Replies.MAILBOX_PAUSED);
            }
            var tenant = ctx.stores().tenants().byId(mailbox.get().tenantId());
            if (tenant.isPresent() && tenant.get().status() == Status.PAUSED) {
                return Outcome.reply(Replies.MAILBOX_PAUSED.withText("tenant " + tenant.get().name()
                        + " is paused: an admin can resume it with `herald tenant resume`"));
            }
            var domain = user.address().substring(user.address().lastIndexOf('@') + 1);
            if (ctx.stores().domains().byName(domain).filter(d -> d.status() == Status.PAUSED).isPresent()) {
                return Outcome.reply(Replies.MAILBOX_PAUSED.withText(ctx.sendPolicy().breakers().pausedDomain(domain)
                        ? "domain " + domain + " is paused by its circuit breaker (bounce or complaint rate too high): an admin can resume it"
                                + " with `herald domain resume " + domain + "`"
                        : "domain " + domain + " is paused: resume it with `herald domain resume " + domain + "`"));
            }
        }
        s.sender = Optional.of(c.path());
        s.mailParams = c.params();
        return Outcome.reply(Replies.SENDER_OK);
    }

    static boolean ascii(String s) {
        return s.chars().allMatch(ch -> ch < 128);
    }
}
