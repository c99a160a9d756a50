package dev.herald.server.smtp;

import dev.herald.server.smtp.session.AuthenticatedUser;
import dev.herald.storage.Secrets;
import dev.herald.storage.Stores;
import dev.herald.storage.model.Scope;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks SMTP (and later IMAP) credentials: the mailbox address with its password, or with an API
 * key scoped to that mailbox or to its tenant. Slow hashes run here, off the event loop.
 */
public final class SmtpAuthenticator {
    private final Stores stores;
    private final Clock clock;

    public SmtpAuthenticator(Stores stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
    }

    public Optional<AuthenticatedUser> authenticate(String username, String secret, String method) {
        var mailbox = stores.mailboxes().byAddress(username.trim().toLowerCase(Locale.ROOT))
                .filter(m -> !m.expiredAt(clock.instant()));
        if (mailbox.isEmpty()) {
            return Optional.empty();
        }
        var m = mailbox.get();
        boolean ok = Secrets.verify(m.passwordHash(), secret);
        if (!ok && secret.startsWith(Secrets.API_KEY_PREFIX)) {
            ok = stores.apiKeys().byTokenHash(Secrets.sha256Hex(secret))
                    .filter(k -> !k.revoked())
                    .filter(k -> (k.scope() == Scope.MAILBOX && k.mailboxId().orElse(-1L) == m.id())
                            || (k.scope() == Scope.TENANT && k.tenantId().orElse(-1L) == m.tenantId()))
                    .isPresent();
        }
        return ok ? Optional.of(new AuthenticatedUser(m.id(), m.tenantId(), m.address(), method)) : Optional.empty();
    }
}
