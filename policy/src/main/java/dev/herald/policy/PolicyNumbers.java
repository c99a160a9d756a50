package dev.herald.policy;

/**
 * Reading resolved policy values as numbers, the one way every decision does: a count that is
 * "unlimited" (or not a number) is no limit; a percentage ("2%", "0.05%") is a fraction, and one
 * that cannot be read never trips.
 */
public final class PolicyNumbers {
    private PolicyNumbers() {
    }

    /** A COUNT value; Long.MAX_VALUE for "unlimited", a missing or an unreadable one. */
    public static long count(String value) {
        if (value == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A PERCENT value as a fraction (2% → 0.02); Double.MAX_VALUE for a missing or unreadable one. */
    public static double fraction(String value) {
        if (value == null) {
            return Double.MAX_VALUE;
        }
        try {
            return Double.parseDouble(value.trim().replace("%", "")) / 100.0;
        } catch (NumberFormatException e) {
            return Double.MAX_VALUE;
        }
    }
}
