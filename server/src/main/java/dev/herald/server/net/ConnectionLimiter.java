package dev.herald.server.net;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Connections open now, in total and per client address, across the listeners of one protocol (SMTP, IMAP). */
public final class ConnectionLimiter {
    public enum Verdict { OK, TOO_MANY, TOO_MANY_FROM_CLIENT }

    private final int max;
    private final int maxPerClient;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();

    public ConnectionLimiter(int max, int maxPerClient) {
        this.max = max;
        this.maxPerClient = maxPerClient;
    }

    /** Counts a new connection; when it is refused, it is not counted. */
    public Verdict open(InetAddress client) {
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            return Verdict.TOO_MANY;
        }
        var n = perClient.computeIfAbsent(client, c -> new AtomicInteger());
        if (n.incrementAndGet() > maxPerClient) {
            n.decrementAndGet();
            total.decrementAndGet();
            return Verdict.TOO_MANY_FROM_CLIENT;
        }
        return Verdict.OK;
    }

    public void close(InetAddress client) {
        total.decrementAndGet();
        perClient.computeIfPresent(client, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    public int open() {
        return total.get();
    }
}
