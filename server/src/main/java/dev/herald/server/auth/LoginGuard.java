package dev.herald.server.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every credential check of every protocol goes through here: the attempt waits for its slot in
 * the {@link LoginThrottle}, the check runs on the blocking pool (hashes are slow), and a failure
 * is logged at INFO in one fixed format a fail2ban filter can match, then told to the listeners
 * (the metrics counter, the event stream and through it the audit log). Attempts the throttle
 * refuses unchecked are counted, but neither logged at INFO nor audited: an attacker hammering
 * from one address would otherwise write the log and the audit chain as fast as it can send.
 *
 * <p>The log line is {@code login failed: protocol=IMAP client=192.0.2.7 account=agent@example.com
 * reason=invalid credentials}; {@code account=-} when none was named (an API key).
 */
public final class LoginGuard {
    private static final Logger log = LoggerFactory.getLogger(LoginGuard.class);

    /** A failed login as the listeners see it; {@code throttled}: refused unchecked, too early after other failures. */
    public record FailedLogin(String protocol, String clientIp, Optional<String> account, String reason, boolean throttled) {
    }

    @FunctionalInterface
    public interface Listener {
        void failed(FailedLogin failure);
    }

    /** What became of an attempt: a user, a failure, or not checked because the client must wait longer. */
    public record Outcome<T>(Optional<T> user, boolean throttled, Duration retryAfter) {
        public boolean ok() {
            return user.isPresent();
        }

        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    private final LoginThrottle throttle;
    private final Executor blocking;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public LoginGuard(LoginThrottle throttle, Executor blocking) {
        this.throttle = throttle;
        this.blocking = blocking;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Checks a login of {@code account} (lower-cased by the caller; empty for an API key) from
     * {@code clientIp}: waits out the throttle, then runs {@code check}, which answers the user or
     * empty for wrong credentials.
     */
    public <T> CompletableFuture<Outcome<T>> attempt(String protocol, String clientIp, Optional<String> account, Supplier<Optional<T>> check) {
        var admission = admission(clientIp, account);
        if (admission.refused()) {
            tell(new FailedLogin(protocol, clientIp, account, "throttled", true), "throttled, retry in " + admission.delay().toSeconds() + "s");
            return CompletableFuture.completedFuture(new Outcome<>(Optional.empty(), true, admission.delay()));
        }
        var executor = admission.delay().isZero() ? blocking
                : CompletableFuture.delayedExecutor(admission.delay().toMillis(), TimeUnit.MILLISECONDS, blocking);
        return CompletableFuture.supplyAsync(check, executor).thenApply(user -> {
            if (user.isPresent()) {
                account.ifPresent(a -> throttle.succeeded(clientIp, a));
                return new Outcome<>(user, false, Duration.ZERO);
            }
            failed(protocol, clientIp, account, "invalid credentials");
            return new Outcome<>(Optional.<T>empty(), false, Duration.ZERO);
        });
    }

    /** Reserves the slot of an attempt the caller checks itself (the HTTP API's keys); see {@link LoginThrottle#admit}. */
    public LoginThrottle.Admission admission(String clientIp, Optional<String> account) {
        return throttle.admit(clientIp, account);
    }

    /** Wrong credentials, checked by the caller (an invalid API key): counted, logged and told like any other. */
    public void failed(String protocol, String clientIp, Optional<String> account, String reason) {
        throttle.failed(clientIp, account);
        tell(new FailedLogin(protocol, clientIp, account, reason, false), reason);
    }

    /**
     * Checked failures are logged at INFO (their rate is what the throttle allows, so the log cannot be
     * flooded); attempts refused unchecked only at DEBUG, though the metrics count them all.
     */
    private void tell(FailedLogin failure, String reason) {
        var account = failure.account().map(LoginGuard::printable).orElse("-");
        if (failure.throttled()) {
            log.debug("login failed: protocol={} client={} account={} reason={}", failure.protocol(), failure.clientIp(), account, reason);
        } else {
            log.info("login failed: protocol={} client={} account={} reason={}", failure.protocol(), failure.clientIp(), account, reason);
        }
        for (var l : listeners) {
            try {
                l.failed(failure);
            } catch (RuntimeException e) {
                log.error("a failed-login listener failed", e);
            }
        }
    }

    /** An account name as the log shows it: no spaces or control characters (a forged log line), at most 256 characters. */
    static String printable(String account) {
        var sb = new StringBuilder(Math.min(account.length(), 256));
        for (int i = 0; i < account.length() && sb.length() < 256; i++) {
            char c = account.charAt(i);
            sb.append(c <= ' ' || c == 0x7f || Character.isISOControl(c) ? '?' : c);
        }
        return sb.isEmpty() ? "?" : sb.toString();
    }
}
