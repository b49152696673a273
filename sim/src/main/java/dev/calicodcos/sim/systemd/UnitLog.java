package dev.calicodcos.sim.systemd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The simulated systemd's lifecycle log under the host root (one {@link UnitEvent} per line). */
final class UnitLog {
    private static final Logger LOG = LoggerFactory.getLogger(UnitLog.class);
    private final Path file;
    private final Clock clock;
    private final String agent;

    UnitLog(Path file, Clock clock, String agent) {
        this.file = file;
        this.clock = clock;
        this.agent = agent;
    }

    synchronized void append(String unit, String event, String detail) {
        UnitEvent e = new UnitEvent(clock.instant().truncatedTo(ChronoUnit.MILLIS), unit, event, detail.replace('\n', ' '));
        LOG.info("systemd agent={} {}", agent, e.line());
        try {
            Files.writeString(file, e.line() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }

    List<UnitEvent> read() {
        try {
            return Files.readAllLines(file).stream().map(UnitEvent::parse).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
