package dev.calicodcos.controller.mesos;

import java.util.Objects;
import java.util.Optional;

/** A {@code CommandInfo.URI} fetched into the sandbox before the command starts. */
public record FetchUri(String value, boolean executable, boolean extract, boolean cache,
                       Optional<String> outputFile) {
    public FetchUri {
        Objects.requireNonNull(value, "value");
        if (executable && extract) {
            throw new IllegalArgumentException("an executable URI is never extracted: " + value);
        }
    }

    /** An archive unpacked into the sandbox. */
    public static FetchUri archive(String value, boolean cache) {
        return new FetchUri(value, false, true, cache, Optional.empty());
    }

    /** A single file made executable. */
    public static FetchUri executable(String value, boolean cache) {
        return new FetchUri(value, true, false, cache, Optional.empty());
    }
}
