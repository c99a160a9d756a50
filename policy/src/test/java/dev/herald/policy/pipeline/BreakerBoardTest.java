package dev.herald.policy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.policy.pipeline.BreakerBoard.State;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BreakerBoardTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final BreakerBoard.Thresholds DEFAULTS = new BreakerBoard.Thresholds(100, 0.02, 0.05, 0.0005, 0.001);

    @Test
    void belowTheMinimumVolumeRatesDoNotCount() {
        var board = new BreakerBoard();
        for (int i = 0; i < 99; i++) {
            board.sent("m", T0);
        }
        for (int i = 0; i < 50; i++) {
            board.bounced("m", T0);
        }
        assertThat(board.judge("m", DEFAULTS, T0).state()).isEqualTo(State.HEALTHY);
        board.sent("m", T0);
        assertThat(board.judge("m", DEFAULTS, T0).state()).as("100 sends, 50% bounces").isEqualTo(State.PAUSED);
    }

    @Test
    void reviewThenPauseAndOnlyAResetClearsIt() {
        var board = new BreakerBoard();
        for (int i = 0; i < 200; i++) {
            board.sent("m", T0);
        }
        for (int i = 0; i < 3; i++) {
            board.bounced("m", T0);
        }
        assertThat(board.judge("m", DEFAULTS, T0).state()).as("3 of 200 = 1.5%").isEqualTo(State.HEALTHY);
        board.bounced("m", T0);
        var review = board.judge("m", DEFAULTS, T0);
        assertThat(review.state()).as("4 of 200 = 2%").isEqualTo(State.REVIEW);
        assertThat(review.bounceRate()).isEqualTo(4.0 / 200);
        for (int i = 0; i < 6; i++) {
            board.bounced("m", T0);
        }
        assertThat(board.judge("m", DEFAULTS, T0).state()).as("10 of 200 = 5%").isEqualTo(State.PAUSED);
        var later = T0.plus(Duration.ofDays(2));
        assertThat(board.judge("m", DEFAULTS, later).state()).as("the window has emptied, the pause stays").isEqualTo(State.PAUSED);
        assertThat(board.paused("m")).isTrue();
        board.reset("m");
        assertThat(board.judge("m", DEFAULTS, later).state()).isEqualTo(State.HEALTHY);
        assertThat(board.paused("other")).isFalse();
    }

    @Test
    void complaintsAndTheWindowEdge() {
        var board = new BreakerBoard();
        for (int i = 0; i < 2_000; i++) {
            board.sent("d", T0);
        }
        board.complained("d", T0);
        assertThat(board.judge("d", DEFAULTS, T0).state()).as("0.05% complaints").isEqualTo(State.REVIEW);
        assertThat(board.judge("d", DEFAULTS, T0.plus(Duration.ofHours(24)).minusSeconds(1)).state()).as("within the day")
                .isEqualTo(State.REVIEW);
        assertThat(board.judge("d", DEFAULTS, T0.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(15))).state())
                .as("a day and one bucket later: out of the window").isEqualTo(State.HEALTHY);
    }
}
