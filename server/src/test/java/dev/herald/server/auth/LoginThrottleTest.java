package dev.herald.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The throttle's schedule on a clock the test moves: slow for guessers, never a lockout for the owner. */
class LoginThrottleTest {
    private final TestClock clock = TestClock.stoppedAt(Instant.parse("2026-12-07T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Settings.DEFAULT, clock);
    private static final Optional<String> VICTIM = Optional.of("agent@acme.com");

    /** One guesser, one connection, as fast as the server lets it: the time the guesses take. */
    private Duration guessSequentially(String ip, int guesses, boolean sprayAccounts) {
        var start = clock.instant();
        for (int i = 0; i < guesses; i++) {
            var account = sprayAccounts ? Optional.of("agent" + i + "@acme.com") : VICTIM;
            var a = throttle.admit(ip, account);
            if (a.refused()) {
                clock.advance(a.delay()); // told to come back later: it does, at once
                i--;
                continue;
            }
            clock.advance(a.delay());
            throttle.failed(ip, account);
        }
        return Duration.between(start, clock.instant());
    }

    @Test
    void delaysStartAtTwoSecondsAndDoubleToFifteen() {
        var waits = new ArrayList<Long>();
        for (int i = 0; i < 7; i++) {
            var a = throttle.admit("192.0.2.7", VICTIM);
            assertThat(a.refused()).isFalse();
            waits.add(a.delay().toSeconds());
            clock.advance(a.delay());
            throttle.failed("192.0.2.7", VICTIM);
        }
        assertThat(waits).containsExactly(0L, 2L, 4L, 8L, 15L, 15L, 15L);
    }

    @Test
    void aThousandGuessesAtOneAccountTakeAtLeastTenMinutes() {
        assertThat(guessSequentially("192.0.2.7", 1000, false)).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aThousandGuessesSprayedOverAccountsTakeAtLeastTenMinutes() {
        assertThat(guessSequentially("192.0.2.7", 1000, true)).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void parallelConnectionsGetNoMoreGuessesThanOne() {
        // 50 connections ask at the same instant, again and again; the admitted guesses are spaced by the delay.
        for (int i = 0; i < 5; i++) {
            throttle.failed("192.0.2.7", VICTIM);
        }
        int admitted = 0;
        var end = clock.instant().plus(Duration.ofMinutes(10));
        while (clock.instant().isBefore(end)) {
            for (int c = 0; c < 50; c++) {
                var a = throttle.admit("192.0.2.7", VICTIM);
                if (!a.refused()) {
                    admitted++;
                }
            }
            for (int c = 0; c < 50 && admitted > 0; c++) {
                throttle.failed("192.0.2.7", VICTIM);
            }
            clock.advance(Duration.ofSeconds(1));
        }
        // At most one guess per 15 s over 10 minutes, plus the slots reserved up to 15 s ahead.
        assertThat(admitted).isLessThanOrEqualTo(10 * 60 / 15 + 2);
    }

    @Test
    void aStormFromOneAddressNeverSlowsTheOwnerElsewhere() {
        guessSequentially("192.0.2.7", 200, false);
        var owner = throttle.admit("198.51.100.9", VICTIM);
        assertThat(owner.refused()).isFalse();
        assertThat(owner.delay()).isZero();
        // And a second storm, right after: still nothing for the other address.
        for (int i = 0; i < 50; i++) {
            throttle.failed("192.0.2.7", VICTIM);
        }
        assertThat(throttle.admit("198.51.100.9", VICTIM).delay()).isZero();
    }

    @Test
    void theGuesserIsNeverLockedOutForGood() {
        guessSequentially("192.0.2.7", 100, false);
        // Within the maximum delay the same address may try again; after the memory, it is forgotten.
        clock.advance(Duration.ofSeconds(15));
        assertThat(throttle.admit("192.0.2.7", VICTIM).refused()).isFalse();
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.admit("192.0.2.7", VICTIM).delay()).isZero();
    }

    @Test
    void aNeighbourBehindTheSameNatIsNotSlowedByAFewFailures() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("203.0.113.1", Optional.of("broken-agent@acme.com"));
        }
        assertThat(throttle.admit("203.0.113.1", Optional.of("other@acme.com")).delay()).isZero();
        throttle.failed("203.0.113.1", Optional.of("broken-agent@acme.com"));
        assertThat(throttle.admit("203.0.113.1", Optional.of("other@acme.com")).delay()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theOwnersSuccessClearsTheirOwnPenalty() {
        throttle.failed("192.0.2.7", VICTIM);
        throttle.failed("192.0.2.7", VICTIM);
        throttle.succeeded("192.0.2.7", "agent@acme.com");
        assertThat(throttle.admit("192.0.2.7", VICTIM).delay()).isZero();
    }

    @Test
    void ipv6ClientsAreKeyedByTheirSlash64() {
        assertThat(LoginThrottle.clientKey("2001:db8:1:2:aaaa::1")).isEqualTo(LoginThrottle.clientKey("2001:db8:1:2:bbbb::9"));
        assertThat(LoginThrottle.clientKey("2001:db8:1:2::1")).isNotEqualTo(LoginThrottle.clientKey("2001:db8:1:3::1"));
        assertThat(LoginThrottle.clientKey("192.0.2.7")).isEqualTo("192.0.2.7");
    }

    @Test
    void logLinesCannotBeForgedThroughTheAccountName() {
        assertThat(LoginGuard.printable("x\r\nlogin failed: protocol=IMAP client=10.0.0.1")).doesNotContain("\r", "\n", " ");
    }
}
