package dev.calicodcos.sim.docker;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code <root>/var/log/fake-docker.log}:
 * {@code <UTC ISO time> container <create|start|kill|die|stop|restart|destroy> <name>[ <detail>]} or
 * {@code <UTC ISO time> daemon <start|stop|failed>[ <detail>]}. Details: {@code image=<image>} (create),
 * {@code signal=<n>} (kill), {@code exitCode=<n>} (die), the reason (daemon failed).
 */
public record DockerEvent(Instant time, String subject, String event, String name, String detail) {
    public static final String CONTAINER = "container";
    public static final String DAEMON = "daemon";

    String line() {
        StringBuilder b = new StringBuilder().append(time).append(' ').append(subject).append(' ').append(event);
        if (!name.isEmpty()) {
            b.append(' ').append(name);
        }
        if (!detail.isEmpty()) {
            b.append(' ').append(detail.replace('\n', ' '));
        }
        return b.toString();
    }

    static Optional<DockerEvent> parse(String line) {
        String[] parts = line.split(" ", 5);
        if (parts.length < 3) {
            return Optional.empty();
        }
        try {
            Instant time = Instant.parse(parts[0]);
            if (parts[1].equals(DAEMON)) {
                String detail = line.substring(Math.min(line.length(), parts[0].length() + parts[1].length() + parts[2].length() + 3));
                return Optional.of(new DockerEvent(time, DAEMON, parts[2], "", detail));
            }
            return Optional.of(new DockerEvent(time, parts[1], parts[2], parts.length > 3 ? parts[3] : "",
                    parts.length > 4 ? parts[4] : ""));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
