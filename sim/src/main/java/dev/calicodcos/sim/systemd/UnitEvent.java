package dev.calicodcos.sim.systemd;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code <root>/var/log/fake-systemd.log}: {@code <UTC ISO time> <unit> <event>[ <detail>]}.
 * Events: {@code started pid=<host pid>}, {@code stopping}, {@code stopped}, {@code exited status=<code, or
 * 128+signal; 203 when the executable could not be run>}, {@code restarting}, {@code failed result=<exit-code|signal|
 * timeout|start-limit-hit>}, {@code start-pre-failed status=<n>}, {@code warning <text>}, {@code bad-setting <text>}.
 */
public record UnitEvent(Instant time, String unit, String event, String detail) {
    public static final String STARTED = "started";
    public static final String STOPPING = "stopping";
    public static final String STOPPED = "stopped";
    public static final String EXITED = "exited";
    public static final String RESTARTING = "restarting";
    public static final String FAILED = "failed";
    public static final String START_PRE_FAILED = "start-pre-failed";
    public static final String WARNING = "warning";
    public static final String BAD_SETTING = "bad-setting";

    String line() {
        return time + " " + unit + " " + event + (detail.isEmpty() ? "" : " " + detail);
    }

    static Optional<UnitEvent> parse(String line) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new UnitEvent(Instant.parse(parts[0]), parts[1], parts[2], parts.length > 3 ? parts[3] : ""));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code pid=} of a {@code started} event. */
    public Optional<Long> pid() {
        return detail.startsWith("pid=") ? Optional.of(Long.parseLong(detail.substring(4))) : Optional.empty();
    }
}
