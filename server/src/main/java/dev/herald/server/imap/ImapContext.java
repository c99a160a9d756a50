package dev.herald.server.imap;

import dev.herald.server.config.HeraldConfig;
import dev.herald.server.delivery.DeliveryProcessor;
import dev.herald.server.delivery.MailboxEvents;
import dev.herald.server.auth.LoginGuard;
import dev.herald.server.smtp.SmtpAuthenticator;
import dev.herald.storage.Stores;
import dev.herald.storage.spool.Spool;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;

/** What the IMAP handlers share. */
public record ImapContext(HeraldConfig config, Stores stores, Spool spool, DeliveryProcessor delivery, SmtpAuthenticator authenticator,
                          LoginGuard logins, MailboxEvents events, Optional<SslContext> tls, Executor blocking, Clock clock,
                          long maxLiteral, dev.herald.server.imap.session.FolderSnapshots snapshots,
                          dev.herald.server.events.EventLog history) {
}
