package dev.herald.server.smtp;

import dev.herald.server.smtp.session.SmtpSession;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The trace header Herald puts on top of every accepted message (RFC 5321 4.4, protocols per RFC 3848 / 6531). */
final class ReceivedHeader {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private ReceivedHeader() {
    }

    static String build(SmtpSession s, String hostname, String id, ZonedDateTime at, boolean utf8) {
        var protocol = (utf8 ? "UTF8SMTP" : s.extended ? "ESMTP" : "SMTP")
                + (s.tls.isPresent() ? "S" : "") + (s.user.isPresent() ? "A" : "");
        var sb = new StringBuilder("Received: from ").append(s.helo.orElse("unknown"))
                .append(" ([").append(s.clientIp()).append("])\r\n\tby ").append(hostname).append(" (Herald) with ").append(protocol);
        s.tls.ifPresent(t -> sb.append(" (").append(t).append(")"));
        s.user.ifPresent(u -> sb.append("\r\n\t(authenticated as ").append(u.address()).append(" by ").append(u.method()).append(")"));
        sb.append("\r\n\tid ").append(id);
        if (s.recipients.size() == 1) {
            sb.append("\r\n\tfor <").append(s.recipients.get(0).address()).append(">");
        }
        sb.append("; ").append(DATE.format(at.withZoneSameInstant(ZoneOffset.UTC))).append("\r\n");
        return sb.toString();
    }
}
