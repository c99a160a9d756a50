package dev.herald.policy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The type of a policy value: how it is parsed from text and normalized for storage. */
public enum ValueKind {
    /** A non-negative whole number, or {@code unlimited}. */
    COUNT {
        @Override
        String normalize(String raw, List<String> choices) {
            var v = raw.trim().toLowerCase(Locale.ROOT);
            if (v.equals("unlimited")) {
                return v;
            }
            try {
                long n = Long.parseLong(v.replace("_", ""));
                if (n < 0) {
                    throw new PolicyValueException("must not be negative: " + raw);
                }
                return Long.toString(n);
            } catch (NumberFormatException e) {
                throw new PolicyValueException("expected a whole number or 'unlimited', got '" + raw + "'");
            }
        }
    },
    /** A rate in percent from 0 to 100, written {@code 2}, {@code 2%} or {@code 0.05%}. */
    PERCENT {
        @Override
        String normalize(String raw, List<String> choices) {
            var v = raw.trim();
            if (v.endsWith("%")) {
                v = v.substring(0, v.length() - 1).trim();
            }
            try {
                var d = new BigDecimal(v);
                if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
                    throw new PolicyValueException("must be between 0% and 100%, got '" + raw + "'");
                }
                return d.stripTrailingZeros().toPlainString() + "%";
            } catch (NumberFormatException e) {
                throw new PolicyValueException("expected a percentage such as 2% or 0.05%, got '" + raw + "'");
            }
        }
    },
    BOOLEAN {
        @Override
        String normalize(String raw, List<String> choices) {
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1":
                    return "true";
                case "false", "no", "off", "0":
                    return "false";
                default:
                    throw new PolicyValueException("expected true or false, got '" + raw + "'");
            }
        }
    },
    /** One word out of a fixed set. */
    CHOICE {
        @Override
        String normalize(String raw, List<String> choices) {
            var v = raw.trim().toLowerCase(Locale.ROOT);
            if (!choices.contains(v)) {
                throw new PolicyValueException("expected one of " + String.join(", ", choices) + ", got '" + raw + "'");
            }
            return v;
        }
    },
    /** A warm-up curve: {@code day:cap} points such as {@code 1:50,7:100,21:500,45:full}. */
    CURVE {
        @Override
        String normalize(String raw, List<String> choices) {
            return dev.herald.policy.pipeline.WarmupCurve.parse(raw).text();
        }
    },
    /** Comma-separated exact addresses ({@code a@b.com}) and domains ({@code b.com}); empty for none. */
    ADDRESS_LIST {
        @Override
        String normalize(String raw, List<String> choices) {
            var out = new TreeSet<String>();
            for (var item : raw.split("[,\\s]+")) {
                var v = item.trim().toLowerCase(Locale.ROOT);
                if (v.isEmpty()) {
                    continue;
                }
                if (!ADDRESS.matcher(v).matches() && !DOMAIN.matcher(v).matches()) {
                    throw new PolicyValueException("'" + item + "' is neither an address nor a domain");
                }
                out.add(v);
            }
            return String.join(",", out);
        }
    };

    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s,]{1,64}@" + DOMAIN.pattern());

    /** @throws PolicyValueException naming what is wrong with {@code raw} */
    abstract String normalize(String raw, List<String> choices);

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static List<String> words(String... choices) {
        return Arrays.asList(choices);
    }
}
