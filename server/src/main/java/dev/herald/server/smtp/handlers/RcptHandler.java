package dev.herald.server.smtp.handlers;

import dev.herald.server.smtp.SmtpContext;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.codec.SmtpCommand;
import dev.herald.server.smtp.session.Outcome;
import dev.herald.server.smtp.session.SmtpSession;
import dev.herald.storage.spool.SpoolRecipient;
import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * RCPT TO. On the MX: only existing mailboxes of hosted domains, never anything else, whatever
 * the address tricks (%-hack, quoted local parts holding '@', source routes, address literals).
 * On submission: hosted mailboxes are checked, any other domain is queued for delivery.
 */
public final class RcptHandler {
    private static final Pattern NOTIFY = Pattern.compile("NEVER|(SUCCESS|FAILURE|DELAY)(,(SUCCESS|FAILURE|DELAY))*", Pattern.CASE_INSENSITIVE);

    private RcptHandler() {
    }

    public static CompletableFuture<Outcome> handle(SmtpContext ctx, SmtpSession s, SmtpCommand.Rcpt c) {
        if (!s.inTransaction()) {
            return Outcome.reply(Replies.NEED_MAIL);
        }
        for (var p : c.params().keySet()) {
            if (!p.equals("NOTIFY") && !p.equals("ORCPT")) {
                return Outcome.reply(Replies.UNKNOWN_PARAMETER.withText("unsupported RCPT parameter " + p));
            }
        }
        var notify = Optional.ofNullable(c.params().get("NOTIFY"));
        if (notify.isPresent() && !NOTIFY.matcher(notify.get()).matches()) {
            return Outcome.reply(Replies.BAD_PARAMETER.withText("NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY"));
        }
        if (s.recipients.size() >= ctx.config().smtpMaxRecipients()) {
            return Outcome.reply(Replies.TOO_MANY_RECIPIENTS);
        }
        var path = c.path();
        if (!s.mailParams.containsKey("SMTPUTF8") && !MailHandler.ascii(path.address())) {
            return Outcome.reply(Replies.SMTPUTF8_REQUIRED);
        }
        if (path.addressLiteral()) {
            return reject(s, Replies.RELAY_DENIED.withText("relay access denied: address literals are not accepted"));
        }
        String domain;
        try {
            domain = IDN.toASCII(path.domain()).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return reject(s, Replies.BAD_RECIPIENT_SYNTAX.withText("malformed domain"));
        }
        if (!s.listener.isSubmission() && !path.quoted()
                && (path.localPart() + "@" + domain).toLowerCase(Locale.ROOT).equals(ctx.config().feedbackAddress())) {
            return accept(s, ctx.config().feedbackAddress(), notify, c.params()); // feedback-loop reports (ARF)
        }
        boolean hosted = ctx.stores().domains().byName(domain).isPresent();
        if (!hosted) {
            if (s.listener.isSubmission() && s.user.isPresent()) {
                var address = path.localPart() + "@" + domain;
                var refusal = policyRefusal(ctx, s, address);
                if (refusal.isPresent()) {
                    return reject(s, refusal.get());
                }
                s.remoteRecipients++;
                return accept(s, address, notify, c.params());
            }
            return reject(s, Replies.RELAY_DENIED);
        }
        // Our own return path (VERP): a bounce about one recipient of one of our messages, taken
        // only when its tag verifies and the entry was sent from this domain.
        if (!path.quoted() && path.localPart().toLowerCase(Locale.ROOT).startsWith(dev.herald.server.outbound.VerpToken.PREFIX)) {
            var entry = ctx.verp().entry(path.localPart()).flatMap(id -> ctx.stores().mail().queueEntry(id))
                    .filter(e -> e.sender().toLowerCase(Locale.ROOT).endsWith("@" + domain));
            if (entry.isEmpty()) {
                return reject(s, Replies.UNKNOWN_USER.withText("no such bounce address here: " + path.address()));
            }
            return accept(s, path.localPart().toLowerCase(Locale.ROOT) + "@" + domain, notify, c.params());
        }
        // The mailto form of one-click unsubscribe: taken when its token verifies.
        if (!path.quoted() && path.localPart().toLowerCase(Locale.ROOT).startsWith(dev.herald.server.outbound.VerpToken.UNSUBSCRIBE_PREFIX)) {
            if (ctx.unsubscribes().entry(path.localPart()).filter(e -> e.sender().toLowerCase(Locale.ROOT).endsWith("@" + domain)).isEmpty()) {
                return reject(s, Replies.UNKNOWN_USER.withText("no such unsubscribe address here: " + path.address()));
            }
            return accept(s, path.localPart().toLowerCase(Locale.ROOT) + "@" + domain, notify, c.params());
        }
        // A hosted domain: the local part must name an existing mailbox exactly. Quoted local
        // parts and '%' never do (mailbox names are dot-atoms without them), so no trick relays.
        var address = path.localPart().toLowerCase(Locale.ROOT) + "@" + domain;
        var mailbox = path.quoted() ? java.util.Optional.<dev.herald.storage.model.Mailbox>empty()
                : ctx.stores().mailboxes().byAddress(address).filter(m -> !m.expiredAt(ctx.clock().instant()));
        if (mailbox.isEmpty()) {
            return reject(s, Replies.UNKNOWN_USER.withText("no such mailbox here: " + path.address()));
        }
        var refusal = ctx.sendPolicy().inboundRefusal(mailbox.get(), s.sender.map(p -> p.address()).orElse(""));
        if (refusal.isPresent()) {
            return reject(s, new dev.herald.server.smtp.codec.SmtpReply(550, "5.7.1", refusal.get()));
        }
        return accept(s, address, notify, c.params());
    }

    /**
     * The submission policy for one remote recipient (suppression, recipient lists, budgets): a
     * refusal applies to this recipient only. A hold is decided when the message is queued.
     */
    private static java.util.Optional<dev.herald.server.smtp.codec.SmtpReply> policyRefusal(SmtpContext ctx, SmtpSession s, String address) {
        var sender = ctx.stores().mailboxes().byId(s.user.get().mailboxId());
        if (sender.isEmpty()) {
            return java.util.Optional.empty(); // MAIL already refused a mailbox that is gone
        }
        var d = ctx.sendPolicy().atSubmission(sender.get(), address, java.util.Optional.empty(), "transactional", s.remoteRecipients);
        var reply = PolicyReplies.reply(d.verdict());
        reply.ifPresent(r -> ctx.sendPolicy().events().mailbox(dev.herald.storage.model.EventType.REJECTED, sender.get(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(address),
                d.step() + ": " + r.code() + " " + r.enhanced() + " " + r.text()));
        return reply;
    }

    private static CompletableFuture<Outcome> accept(SmtpSession s, String address, Optional<String> notify,
                                                     java.util.Map<String, String> params) {
        s.recipients.add(new SpoolRecipient(address, notify.map(n -> n.toUpperCase(Locale.ROOT)), Optional.ofNullable(params.get("ORCPT"))));
        return Outcome.reply(Replies.RECIPIENT_OK);
    }

    private static CompletableFuture<Outcome> reject(SmtpSession s, dev.herald.server.smtp.codec.SmtpReply reply) {
        s.rejectedRecipients++;
        return Outcome.reply(reply);
    }
}
