package dev.herald.policy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlidingCounterTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void eventsLeaveTheWindowAtItsEdge() {
        var hour = SlidingCounter.hour();
        hour.add(T0, 3);
        hour.add(T0.plusSeconds(30 * 60), 2);
        assertThat(hour.count(T0.plusSeconds(59 * 60 + 59))).isEqualTo(5);
        assertThat(hour.count(T0.plusSeconds(60 * 60))).as("the first minute's bucket has left").isEqualTo(2);
        assertThat(hour.count(T0.plusSeconds(90 * 60))).isZero();
    }

    @Test
    void freesAtIsWhenEnoughHasLeft() {
        var hour = SlidingCounter.hour();
        hour.add(T0, 3);
        hour.add(T0.plusSeconds(600), 2);
        var now = T0.plusSeconds(1200);
        assertThat(hour.freesAt(now, 4)).as("one must leave: the 10:00 bucket at 11:00").isEqualTo(T0.plusSeconds(3600));
        assertThat(hour.freesAt(now, 1)).as("four must leave: the 10:10 bucket too").isEqualTo(T0.plusSeconds(3600 + 600));
        assertThat(hour.freesAt(now, 5)).isEqualTo(now);
    }

    @Test
    void aSlotIsReusedAfterTheWindowAndLateEventsAreDropped() {
        var c = new SlidingCounter(Duration.ofMinutes(4), 4);
        c.add(T0, 1);
        c.add(T0.plusSeconds(4 * 60), 7); // same slot, next lap
        assertThat(c.count(T0.plusSeconds(4 * 60))).isEqualTo(7);
        c.add(T0, 1); // older than what the slot holds now
        assertThat(c.count(T0.plusSeconds(4 * 60))).isEqualTo(7);
    }
}
