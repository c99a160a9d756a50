package dev.herald.policy.pipeline;

import dev.herald.policy.PolicyValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The daily cap of a sender warming up (a sending domain, a dedicated source address) on day N of
 * its warm-up: points {@code day:cap} joined by straight lines, the last cap usually {@code full}
 * (the {@code warmup.full_daily} allocation); after the last day the sender is warm (no cap here;
 * the budgets still apply). The default, {@code 1:50,7:100,21:500,45:full}, is the one the seed
 * articles describe: days 1–7 from 50 to 100, days 8–21 up to 500, days 22–45 up to the full
 * allocation (never below 500).
 */
public final class WarmupCurve {
    public static final String DEFAULT = "1:50,7:100,21:500,45:full";
    public static final int LAST_DAY = 45;
    private static final long FULL = -1;

    private record Point(long day, long cap) {
    }

    private final List<Point> points;

    private WarmupCurve(List<Point> points) {
        this.points = points;
    }

    /**
     * @throws PolicyValueException unless {@code text} is {@code day:cap} pairs, comma-separated,
     *         starting at day 1, days increasing, caps whole numbers or {@code full}
     */
    public static WarmupCurve parse(String text) {
        var points = new ArrayList<Point>();
        for (var part : text.split(",")) {
            var p = part.trim().toLowerCase(Locale.ROOT);
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw new PolicyValueException("warm-up curve point '" + part.trim() + "' is not day:cap (e.g. 7:100)");
            }
            long day;
            long cap;
            try {
                day = Long.parseLong(p.substring(0, colon).trim());
                var c = p.substring(colon + 1).trim();
                cap = c.equals("full") ? FULL : Long.parseLong(c);
            } catch (NumberFormatException e) {
                throw new PolicyValueException("warm-up curve point '" + part.trim() + "' needs a day number and a cap (a number or 'full')");
            }
            if (day < 1 || (cap < 0 && cap != FULL)) {
                throw new PolicyValueException("warm-up curve point '" + part.trim() + "': days start at 1 and caps are not negative");
            }
            if (!points.isEmpty() && day <= points.get(points.size() - 1).day()) {
                throw new PolicyValueException("warm-up curve days must increase: " + text.trim());
            }
            points.add(new Point(day, cap));
        }
        if (points.isEmpty() || points.get(0).day() != 1) {
            throw new PolicyValueException("a warm-up curve starts at day 1, e.g. " + DEFAULT);
        }
        return new WarmupCurve(List.copyOf(points));
    }

    /** The curve in its normal written form. */
    public String text() {
        return String.join(",", points.stream().map(p -> p.day() + ":" + (p.cap() == FULL ? "full" : Long.toString(p.cap()))).toList());
    }

    /** The cap on {@code day} (1-based), or Long.MAX_VALUE once warm; {@code full} stands for {@code fullDaily}. */
    public long capOn(long day, long fullDaily) {
        if (day < 1) {
            day = 1;
        }
        var last = points.get(points.size() - 1);
        if (day > last.day()) {
            return Long.MAX_VALUE;
        }
        for (int i = points.size() - 1; i >= 0; i--) {
            var a = points.get(i);
            if (a.day() <= day) {
                if (a.day() == day || i == points.size() - 1) {
                    return value(a, i, fullDaily);
                }
                var b = points.get(i + 1);
                long from = value(a, i, fullDaily);
                long to = value(b, i + 1, fullDaily);
                try {
                    return from + Math.multiplyExact(day - a.day(), to - from) / (b.day() - a.day());
                } catch (ArithmeticException unlimited) {
                    return Long.MAX_VALUE; // ramping to an unlimited allocation ("full" with warmup.full_daily = unlimited)
                }
            }
        }
        return value(points.get(0), 0, fullDaily);
    }

    /** {@code full} never falls below the cap of the point before it: a small allocation does not turn the curve back down. */
    private long value(Point p, int index, long fullDaily) {
        if (p.cap() != FULL) {
            return p.cap();
        }
        return index == 0 ? fullDaily : Math.max(value(points.get(index - 1), index - 1, fullDaily), fullDaily);
    }

    /** The default curve's cap on {@code day}. */
    public static long cap(long day, long fullDaily) {
        return parse(DEFAULT).capOn(day, fullDaily);
    }
}
