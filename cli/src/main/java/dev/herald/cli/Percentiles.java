package dev.herald.cli;

import java.util.Arrays;

/** Latency percentiles for the load generators: nanoseconds in, milliseconds out. */
final class Percentiles {
    private Percentiles() {
    }

    /** The p-th percentile (0..1, nearest rank) of {@code nanos}, in milliseconds; 0 for none. */
    static double ms(long[] nanos, double p) {
        if (nanos.length == 0) {
            return 0;
        }
        var sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
