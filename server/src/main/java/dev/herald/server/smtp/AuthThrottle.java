package dev.herald.server.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per client address and per account over a sliding window. Past the limit,
 * further attempts from that address or at that account are refused until old failures age out:
 * a password guesser gets a handful of tries per window, wherever it connects from.
 */
public final class AuthThrottle {
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, ArrayDeque<Instant>> failures = new ConcurrentHashMap<>();

    public AuthThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    public boolean blocked(String clientIp, String account) {
        return count("ip:" + clientIp) >= maxFailures || (account != null && count("acct:" + account) >= maxFailures);
    }

    public void failed(String clientIp, String account) {
        record("ip:" + clientIp);
        if (account != null) {
            record("acct:" + account);
        }
    }

    private void record(String key) {
        var q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(clock.instant());
            prune(q);
        }
    }

    private int count(String key) {
        var q = failures.get(key);
        if (q == null) {
            return 0;
        }
        synchronized (q) {
            prune(q);
            return q.size();
        }
    }

    private void prune(ArrayDeque<Instant> q) {
        var cutoff = clock.instant().minus(window);
        while (!q.isEmpty() && q.peekFirst().isBefore(cutoff)) {
            q.removeFirst();
        }
    }
}
