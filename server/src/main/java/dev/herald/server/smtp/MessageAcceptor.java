package dev.herald.server.smtp;

import dev.herald.server.delivery.AgentHeaders;
import dev.herald.server.delivery.DeliveryProcessor;
import dev.herald.server.delivery.HeaderParser;
import dev.herald.server.smtp.codec.Replies;
import dev.herald.server.smtp.codec.SmtpReply;
import dev.herald.server.smtp.session.SmtpSession;
import dev.herald.storage.spool.Spool;
import dev.herald.storage.spool.SpoolEnvelope;
import dev.herald.storage.spool.SpoolFullException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a transaction: checks what only the message itself can tell (the From: of a
 * submission), adds the trace header, writes the message to the spool and, once it is fsync'ed,
 * answers 250 and hands it to delivery.
 */
public final class MessageAcceptor {
    private static final Logger log = LoggerFactory.getLogger(MessageAcceptor.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Spool spool;
    private final DeliveryProcessor delivery;
    private final String hostname;
    private final Clock clock;
    private final dev.herald.server.policy.SendPolicy policy;
    private final dev.herald.storage.Stores stores;

    public MessageAcceptor(Spool spool, DeliveryProcessor delivery, String hostname, Clock clock, dev.herald.server.policy.SendPolicy policy,
                           dev.herald.storage.Stores stores) {
        this.spool = spool;
        this.delivery = delivery;
        this.hostname = hostname;
        this.clock = clock;
        this.policy = policy;
        this.stores = stores;
    }

    /** A queue id: time-ordered, unique across restarts. */
    static String newId() {
        return String.format("%011x%05x", System.currentTimeMillis(), RANDOM.nextInt(1 << 20)).toUpperCase(Locale.ROOT);
    }

    /** The `accepted` event: who handed the message over, how (listener, client, TLS, AUTH), for whom. */
    private void recordAccepted(SmtpSession s, Optional<dev.herald.storage.model.Mailbox> sender, String id,
                                dev.herald.server.delivery.ParsedHeaders headers, boolean held) {
        var how = s.listener.kind() + " from " + s.clientIp() + " (HELO " + s.helo.orElse("?") + ")" + s.tls.map(t -> ", " + t).orElse(", no TLS")
                + s.user.map(u -> ", AUTH " + u.address()).orElse("") + ", MAIL FROM <" + s.sender.map(p -> p.address()).orElse("") + ">, "
                + s.recipients.size() + " recipient(s)" + (held ? "; held for approval" : "");
        // Mail from the internet is recorded where it lands (a `received` event per hosted mailbox, with
        // the client and TLS), not here as well: one event per inbound message, not two.
        if (sender.isPresent()) {
            var messageId = headers.fields().messageId().or(() -> Optional.of("<" + id.toLowerCase(Locale.ROOT) + "@" + hostname + ">"));
            policy.events().mailbox(dev.herald.storage.model.EventType.ACCEPTED, sender.get(), Optional.of(id), messageId, Optional.empty(), how);
        }
    }

    public CompletableFuture<SmtpReply> accept(SmtpSession s, byte[] body) {
        // Only a submission needs the header now (From: check, missing Message-ID/Date); inbound
        // mail is parsed once, at delivery.
        var headers = s.user.isPresent() ? HeaderParser.parse(body) : null;
        if (s.user.isPresent()) {
            var owner = s.user.get().address();
            var from = headers.fromAddresses();
            if (from.isEmpty() || !from.stream().allMatch(a -> a.equalsIgnoreCase(owner))) {
                return CompletableFuture.completedFuture(Replies.FROM_NOT_OWNED);
            }
        }
        // The agent run is known only now, from the header: the message is checked as a whole
        // (its run budget; a hold for approval is announced in the reply).
        var sender = s.user.flatMap(u -> stores.mailboxes().byId(u.mailboxId()));
        var remote = s.user.isEmpty() ? List.<String>of() : s.recipients.stream().map(r -> r.address())
                .filter(a -> stores.domains().byName(a.substring(a.lastIndexOf('@') + 1)).isEmpty()).toList();
        var run = headers == null ? Optional.<String>empty() : headers.run();
        boolean held = false;
        if (sender.isPresent() && !remote.isEmpty()) {
            var stream = headers.stream().orElse("transactional");
            var d = policy.atSubmission(sender.get(), remote.get(remote.size() - 1), run, stream, remote.size() - 1).verdict();
            if (d instanceof dev.herald.policy.pipeline.Verdict.Defer defer) {
                return CompletableFuture.completedFuture(new SmtpReply(451, "4.7.1", defer.reason()));
            }
            if (d instanceof dev.herald.policy.pipeline.Verdict.Reject reject) {
                return CompletableFuture.completedFuture(new SmtpReply(reject.code(), reject.enhanced(), reject.text()));
            }
            held = d instanceof dev.herald.policy.pipeline.Verdict.Hold;
        }
        // Loop protection: the thread of a reply is its first Reference (or what it replies to).
        var all = s.recipients.stream().map(r -> r.address()).toList();
        var thread = headers == null ? Optional.<String>empty()
                : headers.fields().references().isEmpty() ? headers.fields().inReplyTo() : Optional.of(headers.fields().references().get(0));
        if (sender.isPresent()) {
            var loop = policy.loopRefusal(sender.get(), all, thread);
            if (loop.isPresent()) {
                return CompletableFuture.completedFuture(new SmtpReply(451, "4.7.1", loop.get()));
            }
        }
        boolean heldForApproval = held;
        var id = newId();
        var now = ZonedDateTime.now(clock);
        boolean utf8 = s.mailParams.containsKey("SMTPUTF8");
        var prefix = new StringBuilder(ReceivedHeader.build(s, hostname, id, now, utf8));
        if (s.user.isPresent()) {
            // RFC 6409 8.3: a submission server may add what the client left out.
            if (!headers.hasMessageId()) {
                prefix.append("Message-ID: <").append(id.toLowerCase(Locale.ROOT)).append('@').append(hostname).append(">\r\n");
            }
            if (!headers.hasDate()) {
                prefix.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.withZoneSameInstant(ZoneOffset.UTC)))
                        .append("\r\n");
            }
        }
        // X-Herald-Run and -Stream are instructions to us: kept in the envelope, never in any copy.
        body = AgentHeaders.strip(body);
        var head = prefix.toString().getBytes(StandardCharsets.UTF_8);
        var message = new byte[head.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(body, 0, message, head.length, body.length);

        var envelope = new SpoolEnvelope(id, now.toInstant(), s.listener.kind(), s.clientIp(), s.helo.orElse(""), s.tls.orElse(""),
                s.user.map(u -> u.mailboxId()), s.sender.orElseThrow().address(), List.copyOf(s.recipients),
                Optional.ofNullable(s.mailParams.get("RET")), Optional.ofNullable(s.mailParams.get("ENVID")))
                .withAgent(run, headers == null ? Optional.empty() : headers.stream());
        return spool.append(envelope, message).handle((entry, failure) -> {
            if (failure != null) {
                var cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                log.error("could not spool message {} from {}: {}", id, s.clientIp(), cause.toString());
                return cause instanceof SpoolFullException ? Replies.DISK_FULL : Replies.LOCAL_ERROR;
            }
            sender.ifPresent(m -> {
                policy.recordSent(m, run, remote.size());
                policy.recordReply(m, all, thread);
            });
            delivery.submit(entry, message);
            recordAccepted(s, sender, id, headers, heldForApproval);
            var accepted = Replies.accepted(id);
            return heldForApproval ? accepted.withText("OK queued as " + id + "; held for approval") : accepted;
        });
    }
}
