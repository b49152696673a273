package dev.calicodcos.sim.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** The Docker fake's event log under the host root, written as events happen and read back for tests. */
final class DockerEventLog {
    private final Path file;
    private final Clock clock;

    DockerEventLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    synchronized void container(String event, String name, String detail) {
        append(new DockerEvent(now(), DockerEvent.CONTAINER, event, name, detail));
    }

    /** An event that happened at {@code time}, written when the fake computes it (a crash loop's restarts). */
    synchronized void container(java.time.Instant time, String event, String name, String detail) {
        append(new DockerEvent(time.truncatedTo(ChronoUnit.MILLIS), DockerEvent.CONTAINER, event, name, detail));
    }

    synchronized void daemon(String event, String detail) {
        append(new DockerEvent(now(), DockerEvent.DAEMON, event, "", detail));
    }

    List<DockerEvent> read() {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().map(DockerEvent::parse).flatMap(Optional::stream).toList()
                    : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private java.time.Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void append(DockerEvent event) {
        try {
            Files.writeString(file, event.line() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
