package dev.calicodcos.reconcilers.step;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compares the leading {@code major.minor} of version strings such as {@code 20.10.24+dfsg1} or {@code 1.0.1}. */
public final class Versions {
    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)");

    private Versions() {}

    /** Empty when the text holds no version. */
    public static Optional<Boolean> atLeast(String version, int major, int minor) {
        Matcher m = MAJOR_MINOR.matcher(version);
        if (!m.find()) {
            return Optional.empty();
        }
        int actualMajor = Integer.parseInt(m.group(1));
        int actualMinor = Integer.parseInt(m.group(2));
        return Optional.of(actualMajor > major || (actualMajor == major && actualMinor >= minor));
    }
}
