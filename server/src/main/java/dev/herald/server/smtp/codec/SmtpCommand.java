package dev.herald.server.smtp.codec;

import java.util.Map;
import java.util.Optional;

/** A parsed SMTP command line (RFC 5321 and the extensions Herald implements). */
public sealed interface SmtpCommand {
    record Helo(String domain, boolean extended) implements SmtpCommand {
    }

    /** @param path the reverse path; {@link MailPath#NULL} for {@code <>} */
    record Mail(MailPath path, Map<String, String> params) implements SmtpCommand {
    }

    record Rcpt(MailPath path, Map<String, String> params) implements SmtpCommand {
    }

    record Data() implements SmtpCommand {
    }

    record Bdat(long size, boolean last) implements SmtpCommand {
    }

    record Rset() implements SmtpCommand {
    }

    record Noop() implements SmtpCommand {
    }

    record Quit() implements SmtpCommand {
    }

    record StartTls() implements SmtpCommand {
    }

    record Vrfy(String argument) implements SmtpCommand {
    }

    record Help(String argument) implements SmtpCommand {
    }

    record Auth(String mechanism, Optional<String> initialResponse) implements SmtpCommand {
    }

    /** A verb Herald does not know (EXPN, TURN, anything): answered 502. */
    record Unknown(String verb) implements SmtpCommand {
    }
}
