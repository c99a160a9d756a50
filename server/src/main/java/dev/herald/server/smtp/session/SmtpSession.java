package dev.herald.server.smtp.session;

import dev.herald.server.smtp.codec.MailPath;
import dev.herald.storage.spool.SpoolRecipient;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The state of one SMTP connection: who is talking, over what, and the transaction under way. */
public final class SmtpSession {
    public final Listener listener;
    public final InetSocketAddress client;

    public Optional<String> helo = Optional.empty();
    public boolean extended;
    public Optional<String> tls = Optional.empty();
    public Optional<AuthenticatedUser> user = Optional.empty();
    public int errors;

    // the transaction
    public Optional<MailPath> sender = Optional.empty();
    public Map<String, String> mailParams = Map.of();
    public final List<SpoolRecipient> recipients = new ArrayList<>();
    public int rejectedRecipients;
    /** Remote recipients accepted in this transaction: the budgets count them before the message is. */
    public int remoteRecipients;
    public ByteArrayOutputStream bdat;
    public boolean bdatFailed;
    /** The BDAT command whose chunk is being read: {size, last?1:0}, or null. */
    public long[] pendingBdat;
    /** An AUTH exchange waiting for the client's next line. */
    public Optional<SaslExchange> sasl = Optional.empty();

    public SmtpSession(Listener listener, InetSocketAddress client) {
        this.listener = listener;
        this.client = client;
    }

    public boolean inTransaction() {
        return sender.isPresent();
    }

    public void resetTransaction() {
        sender = Optional.empty();
        mailParams = Map.of();
        recipients.clear();
        rejectedRecipients = 0;
        remoteRecipients = 0;
        bdat = null;
        bdatFailed = false;
    }

    /** After STARTTLS the session starts over (RFC 3207 4.2): nothing learned in plaintext is kept. */
    public void resetForTls(String protocol) {
        resetTransaction();
        helo = Optional.empty();
        extended = false;
        user = Optional.empty();
        tls = Optional.of(protocol);
    }

    public String clientIp() {
        return client.getAddress().getHostAddress();
    }
}
