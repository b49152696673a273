package dev.calicodcos.controller.artifacts;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The node command's guard against running a jar other than the one the controller launched it
 * with (a stale fetcher cache, a truncated download): compares the jar's SHA-256 with the expected one.
 */
public final class JarCheck {
    private JarCheck() {}

    /** Empty when {@code jar} has the expected checksum; else the one line to print. */
    public static Optional<String> problem(Optional<Path> jar, String expectedSha256) {
        String expected = expectedSha256.trim().toLowerCase(Locale.ROOT);
        if (jar.isEmpty()) {
            return Optional.of("--jar-sha256 " + expected + " was given, but this does not run from a jar (java -jar calico-dcos.jar)");
        }
        String actual;
        try {
            actual = Artifact.sha256(jar.get());
        } catch (UncheckedIOException e) {
            return Optional.of("--jar-sha256 " + expected + " was given, but " + e.getMessage());
        }
        return actual.equals(expected) ? Optional.empty()
                : Optional.of(jar.get() + " has SHA-256 " + actual + ", not " + expected + " (--jar-sha256): a stale or damaged download; not starting");
    }

    /**
     * Empty when the runtime archive the Mesos fetcher left in the sandbox (it keeps the archive beside
     * what it extracted) has the expected checksum; else the one line to print.
     */
    public static Optional<String> runtimeProblem(Path archive, String expectedSha256) {
        String expected = expectedSha256.trim().toLowerCase(Locale.ROOT);
        if (!java.nio.file.Files.isRegularFile(archive)) {
            return Optional.of("--runtime-sha256 " + expected + " was given, but there is no " + archive + " to check");
        }
        String actual = Artifact.sha256(archive);
        return actual.equals(expected) ? Optional.empty()
                : Optional.of(archive + " has SHA-256 " + actual + ", not " + expected + " (--runtime-sha256): a stale or damaged download; not starting");
    }
}
