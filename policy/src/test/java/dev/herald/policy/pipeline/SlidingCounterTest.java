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
        assertThat(hour.count(T0.plusSeconds(60 * 60))).as("a full hour after 10:00 it still counts (never early)").isEqualTo(5);
        assertThat(hour.count(T0.plusSeconds(61 * 60))).as("the 10:00 minute's bucket has left, one bucket late").isEqualTo(2);
        assertThat(hour.count(T0.plusSeconds(91 * 60))).isZero();
    }

    @Test
    void anEventIsNeverReleasedBeforeTheWholeWindowHasPassed() {
        // Wherever in its bucket an event falls, it counts for the full window after it happened, at most one bucket more.
        for (int offset = 0; offset < 60; offset += 7) {
            var hour = SlidingCounter.hour();
            var at = T0.plusSeconds(offset);
            hour.add(at, 1);
            assertThat(hour.freesAt(at, 0)).isAfterOrEqualTo(at.plus(Duration.ofHours(1)));
            assertThat(hour.count(at.plus(Duration.ofHours(1)).minusMillis(1))).as("offset %d s", offset).isEqualTo(1);
            assertThat(hour.count(at.plus(Duration.ofHours(1)).plusSeconds(60))).as("offset %d s", offset).isZero();
        }
    }

    @Test
    void aCalendarCounterEmptiesWhenItsPeriodEnds() {
        var day = SlidingCounter.calendar(Duration.ofDays(1));
        day.add(Instant.parse("2026-11-21T23:59:00Z"), 3);
        assertThat(day.count(Instant.parse("2026-11-21T23:59:59Z"))).isEqualTo(3);
        assertThat(day.count(Instant.parse("2026-11-22T00:00:00Z"))).isZero();
    }

    @Test
    void freesAtIsWhenEnoughHasLeft() {
        var hour = SlidingCounter.hour();
        hour.add(T0, 3);
        hour.add(T0.plusSeconds(600), 2);
        var now = T0.plusSeconds(1200);
        assertThat(hour.freesAt(now, 4)).as("one must leave: the 10:00 bucket at 11:01").isEqualTo(T0.plusSeconds(3660));
        assertThat(hour.freesAt(now, 1)).as("four must leave: the 10:10 bucket too").isEqualTo(T0.plusSeconds(3660 + 600));
        assertThat(hour.freesAt(now, 5)).isEqualTo(now);
    }

    @Test
    void aSlotIsReusedAfterTheWindowAndLateEventsAreDropped() {
        var c = new SlidingCounter(Duration.ofMinutes(4), 4); // a ring of five one-minute slots
        c.add(T0, 1);
        c.add(T0.plusSeconds(5 * 60), 7); // same slot, next lap
        assertThat(c.count(T0.plusSeconds(5 * 60))).isEqualTo(7);
        c.add(T0, 1); // older than what the slot holds now
        assertThat(c.count(T0.plusSeconds(5 * 60))).isEqualTo(7);
    }
}
