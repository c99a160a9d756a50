package dev.herald.server.smtp;

import dev.herald.server.auth.LoginGuard;
import dev.herald.server.config.HeraldConfig;
import dev.herald.server.net.ConnectionLimiter;
import dev.herald.storage.Stores;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;

/** What the SMTP handlers share: settings, storage, the authenticator and the acceptor. */
public record SmtpContext(HeraldConfig config, Stores stores, SmtpAuthenticator authenticator, LoginGuard logins,
                          MessageAcceptor acceptor, Optional<SslContext> tls, ConnectionLimiter limiter, Executor blocking,
                          Clock clock, dev.herald.server.policy.SendPolicy sendPolicy,
                          dev.herald.server.outbound.VerpToken verp, dev.herald.server.policy.Unsubscribes unsubscribes) {
    public String hostname() {
        return config.hostname();
    }
}
