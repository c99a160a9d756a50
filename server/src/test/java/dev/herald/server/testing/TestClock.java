package dev.herald.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real time plus an offset the test advances: "the next day" without waiting a day. Or, made
 * with {@link #stoppedAt}, a clock that moves only when the test advances it (exact schedules).
 */
public final class TestClock extends Clock {
    private final AtomicLong offsetMillis = new AtomicLong();
    private final Instant stopped;

    public TestClock() {
        this(null);
    }

    private TestClock(Instant stopped) {
        this.stopped = stopped;
    }

    /** A clock standing at {@code at} until the test advances it. */
    public static TestClock stoppedAt(Instant at) {
        return new TestClock(at);
    }

    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    @Override
    public Instant instant() {
        return (stopped == null ? Instant.now() : stopped).plusMillis(offsetMillis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
