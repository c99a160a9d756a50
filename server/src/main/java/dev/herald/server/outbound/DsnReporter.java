package dev.herald.server.outbound;

import dev.herald.server.delivery.DeliveryProcessor;
import dev.herald.storage.mail.QueueEntry;
import dev.herald.storage.spool.Spool;
import dev.herald.storage.spool.SpoolEnvelope;
import dev.herald.storage.spool.SpoolRecipient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A delivery status notification (RFC 3464, multipart/report) for a recipient that failed for good,
 * put into the sender's INBOX through the spool like any accepted message.
 */
public final class DsnReporter implements OutboundDeliverer.FailureSink {
    private final Spool spool;
    private final DeliveryProcessor delivery;
    private final String hostname;
    private final Clock clock;

    public DsnReporter(Spool spool, DeliveryProcessor delivery, String hostname, Clock clock) {
        this.spool = spool;
        this.delivery = delivery;
        this.hostname = hostname;
        this.clock = clock;
    }

    @Override
    public void failed(QueueEntry e, String host, String reply) {
        if (e.dsnNotify().map(n -> n.contains("NEVER")).orElse(false)) {
            return; // the sender asked for no report (RFC 3461 NOTIFY=NEVER)
        }
        var original = spool.read(e.blob());
        var message = build(e, host, reply, original);
        var id = "DSN" + e.source();
        var envelope = new SpoolEnvelope(id, clock.instant(), "mx", "127.0.0.1", hostname, "", Optional.empty(), "",
                List.of(new SpoolRecipient(e.sender(), Optional.of("NEVER"), Optional.empty())), Optional.empty(), Optional.empty());
        spool.append(envelope, message).thenAccept(entry -> delivery.submit(entry, message));
    }

    byte[] build(QueueEntry e, String host, String reply, byte[] original) {
        var boundary = "herald-dsn-" + e.source().toLowerCase(Locale.ROOT);
        var now = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC));
        var status = reply.matches("^\\d{3} [245]\\.\\d{1,3}\\.\\d{1,3}.*") ? reply.substring(4, reply.indexOf(' ', 4)) : "5.0.0";
        var headerEnd = new String(original, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        var headers = new String(original, 0, headerEnd < 0 ? original.length : headerEnd + 2, StandardCharsets.UTF_8);
        var sb = new StringBuilder()
                .append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n")
                .append("To: <").append(e.sender()).append(">\r\n")
                .append("Subject: Undelivered mail: ").append(e.recipient()).append("\r\n")
                .append("Date: ").append(now).append("\r\n")
                .append("Message-ID: <dsn-").append(e.source().toLowerCase(Locale.ROOT)).append('.').append(e.id()).append('@')
                .append(hostname).append(">\r\n")
                .append("Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/report; report-type=delivery-status; boundary=\"").append(boundary).append("\"\r\n\r\n")
                .append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
                .append("Your message (queue id ").append(e.source()).append(") could not be delivered to ").append(e.recipient())
                .append(".\r\n").append(host == null ? "" : "The mail server " + host + " answered:\r\n").append("    ").append(reply)
                .append("\r\n\r\n--").append(boundary).append("\r\nContent-Type: message/delivery-status\r\n\r\n")
                .append("Reporting-MTA: dns; ").append(hostname).append("\r\n")
                .append("Arrival-Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(e.createdAt().atOffset(ZoneOffset.UTC))).append("\r\n")
                .append(e.dsnEnvid().map(v -> "Original-Envelope-Id: " + v + "\r\n").orElse(""))
                .append("\r\n")
                .append(e.dsnOrcpt().map(v -> "Original-Recipient: " + v + "\r\n").orElse(""))
                .append("Final-Recipient: rfc822; ").append(e.recipient()).append("\r\n")
                .append("Action: failed\r\nStatus: ").append(status).append("\r\n")
                .append(host == null ? "" : "Remote-MTA: dns; " + host + "\r\n")
                .append("Diagnostic-Code: smtp; ").append(reply).append("\r\n")
                .append("\r\n--").append(boundary).append("\r\nContent-Type: text/rfc822-headers\r\n\r\n")
                .append(headers)
                .append("\r\n--").append(boundary).append("--\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
