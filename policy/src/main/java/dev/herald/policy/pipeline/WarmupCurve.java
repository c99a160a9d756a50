package dev.herald.policy.pipeline;

/**
 * The daily cap of a sending domain on day N of its warm-up: days 1–7 from 50 to 100, days 8–21
 * up to 500, days 22–45 up to the full allocation; from day 46 the domain is warm (no cap here;
 * the budgets still apply). Linear within each stretch, as the seed articles describe.
 */
public final class WarmupCurve {
    public static final int LAST_DAY = 45;

    private WarmupCurve() {
    }

    /** The cap for {@code day} (1-based), or Long.MAX_VALUE once warm. */
    public static long cap(long day, long fullDaily) {
        if (day < 1) {
            day = 1;
        }
        if (day <= 7) {
            return 50 + (day - 1) * 50 / 6;
        }
        if (day <= 21) {
            return 100 + (day - 7) * 400 / 14;
        }
        if (day <= LAST_DAY) {
            long full = Math.max(500, fullDaily);
            return 500 + (day - 21) * (full - 500) / (LAST_DAY - 21);
        }
        return Long.MAX_VALUE;
    }
}
