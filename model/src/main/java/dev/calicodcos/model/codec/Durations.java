package dev.calicodcos.model.codec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in specs: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; at most
 * {@link #MAX} (8760h, a year), so that no deadline computed from one overflows.
 */
public final class Durations {
    public static final Duration MAX = Duration.ofDays(365);
    private static final Pattern FORMAT = Pattern.compile("^([0-9]+)(ms|s|m|h)$");
    /** More digits than any duration up to {@link #MAX} needs in milliseconds, yet within a long. */
    private static final int MAX_DIGITS = 15;

    private Durations() {}

    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration such as 500ms, 30s, 5m or 1h: " + text);
        }
        String digits = m.group(1).replaceFirst("^0+(?=.)", "");
        if (digits.length() > MAX_DIGITS) {
            throw tooLong(text);
        }
        long amount = Long.parseLong(digits);
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (d.compareTo(MAX) > 0) {
            throw tooLong(text);
        }
        return d;
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("must be at most " + format(MAX) + " (a year), not " + text);
    }

    /** The shortest exact form: 300s prints as 5m, 1500ms stays 1500ms. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
