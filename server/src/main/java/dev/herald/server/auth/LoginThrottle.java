package dev.herald.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing down without ever locking an account: the one throttle of SMTP AUTH,
 * IMAP LOGIN/AUTHENTICATE and the HTTP API's keys (as Dovecot's auth penalty and Postfix's anvil
 * do, and unlike a lockout an outsider could trigger).
 *
 * <p>Failures are remembered per (client address, account) and per client address. Each key with
 * failures has a delay that starts at {@code baseDelay} and doubles with every further failure up
 * to {@code maxDelay}; the client address's delay only starts after {@code freeFailures} failures
 * (so one misconfigured agent behind a NAT does not slow its neighbours) and grows the same way.
 * An attempt is admitted at the key's next free slot, and reserving a slot pushes the next one a
 * delay further, so parallel connections from one address get no more guesses than one connection
 * would. An attempt whose slot is further away than {@code maxDelay} is not checked at all: the
 * client is told to come back later. A key is forgotten {@code forgetAfter} after its last failure,
 * and the owner's correct password clears its own (address, account) key. Nothing here ever looks
 * at another address's failures: the owner logging in from elsewhere is never slowed.
 *
 * <p>IPv6 clients are keyed by their /64, the smallest block one host usually holds.
 */
public final class LoginThrottle {
    /** The schedule; {@link #DEFAULT} is 2 s doubling to 15 s, per address after 5 failures, forgotten after 15 min. */
    public record Settings(Duration baseDelay, Duration maxDelay, int freeFailures, Duration forgetAfter, int maxTracked) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(2), Duration.ofSeconds(15), 5, Duration.ofMinutes(15),
                100_000);
    }

    /** When an attempt may be checked: after {@code wait}, or (refused) not now at all. */
    public record Admission(boolean refused, Duration delay) {
        public static final Admission NOW = new Admission(false, Duration.ZERO);
    }

    private static final class Penalty {
        int failures;
        Instant lastFailure;
        Instant nextSlot;
    }

    private final Settings settings;
    private final Clock clock;
    private final ConcurrentHashMap<String, Penalty> penalties = new ConcurrentHashMap<>();

    public LoginThrottle(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Reserves the next slot for an attempt from {@code clientIp} at {@code account} (empty when
     * the account is not known yet, e.g. an API key): how long the caller must wait before checking
     * the credentials, or refused when that would be longer than the maximum delay.
     */
    public synchronized Admission admit(String clientIp, Optional<String> account) {
        var now = clock.instant();
        var client = clientKey(clientIp);
        var byClient = live(client, now);
        var byPair = account.map(a -> live(client + "|" + a, now)).orElse(null);
        var slot = now;
        slot = later(slot, slotOf(byClient, settings.freeFailures(), now));
        slot = later(slot, slotOf(byPair, 0, now));
        var wait = Duration.between(now, slot);
        if (wait.compareTo(settings.maxDelay()) > 0) {
            return new Admission(true, wait);
        }
        reserve(byClient, settings.freeFailures(), slot);
        reserve(byPair, 0, slot);
        return wait.isZero() ? Admission.NOW : new Admission(false, wait);
    }

    /** The credentials were wrong (or the account does not exist). */
    public synchronized void failed(String clientIp, Optional<String> account) {
        var now = clock.instant();
        if (penalties.size() >= settings.maxTracked()) {
            penalties.values().removeIf(p -> expired(p, now));
        }
        var client = clientKey(clientIp);
        record(client, now);
        account.ifPresent(a -> record(client + "|" + a, now));
    }

    /** The owner got in: their own (address, account) penalty is gone; the address's stays. */
    public synchronized void succeeded(String clientIp, String account) {
        penalties.remove(clientKey(clientIp) + "|" + account);
    }

    /** The delay a key with {@code failures} failures imposes once {@code free} of them are spent. */
    Duration delay(int failures, int free) {
        int counted = failures - free;
        if (counted <= 0) {
            return Duration.ZERO;
        }
        var d = settings.baseDelay().multipliedBy(1L << Math.min(counted - 1, 20));
        return d.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : d;
    }

    private void record(String key, Instant now) {
        if (!penalties.containsKey(key) && penalties.size() >= settings.maxTracked()) {
            return; // under a flood from more addresses than we track, the addresses already tracked stay slowed
        }
        var p = penalties.compute(key, (k, old) -> old == null || expired(old, now) ? new Penalty() : old);
        p.failures++;
        p.lastFailure = now;
        if (p.nextSlot == null || p.nextSlot.isBefore(now)) {
            p.nextSlot = now;
        }
    }

    private Penalty live(String key, Instant now) {
        var p = penalties.get(key);
        if (p != null && expired(p, now)) {
            penalties.remove(key);
            return null;
        }
        return p;
    }

    private Instant slotOf(Penalty p, int free, Instant now) {
        if (p == null || delay(p.failures, free).isZero()) {
            return now;
        }
        return later(now, p.nextSlot.plus(delay(p.failures, free)));
    }

    private void reserve(Penalty p, int free, Instant slot) {
        if (p != null && !delay(p.failures, free).isZero()) {
            p.nextSlot = slot;
        }
    }

    private boolean expired(Penalty p, Instant now) {
        return p.lastFailure.plus(settings.forgetAfter()).isBefore(now);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** An IPv4 address as it is; an IPv6 address by its /64. */
    static String clientKey(String ip) {
        if (ip.indexOf(':') < 0) {
            return ip;
        }
        try {
            var bytes = InetAddress.getByName(ip).getAddress();
            if (bytes.length != 16) {
                return ip;
            }
            var sb = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return sb.append(":/64").toString();
        } catch (UnknownHostException e) {
            return ip;
        }
    }
}
