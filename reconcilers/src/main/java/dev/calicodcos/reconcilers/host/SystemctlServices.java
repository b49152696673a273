package dev.calicodcos.reconcilers.host;

import dev.calicodcos.model.agent.StepReason;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Services} through the {@code systemctl} program it is given (found on PATH by the
 * composition root, so tests and the simulator can put a fake first). Commands run with TZ=UTC so
 * that {@code ActiveEnterTimestamp} can be parsed without guessing a zone abbreviation.
 */
public final class SystemctlServices implements Services {
    private static final DateTimeFormatter SYSTEMD_TIME =
            DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final String systemctl;
    private final HostCommands commands;
    private final Duration timeout;

    public SystemctlServices(String systemctl, HostCommands commands, Duration timeout) {
        this.systemctl = systemctl;
        this.commands = commands;
        this.timeout = timeout;
    }

    @Override
    public void restart(String unit) {
        mustSucceed("restart", unit);
    }

    @Override
    public void reload(String unit) {
        mustSucceed("reload", unit);
    }

    @Override
    public void start(String unit) {
        mustSucceed("start", unit);
    }

    @Override
    public void stop(String unit) {
        mustSucceed("stop", unit);
    }

    @Override
    public void enable(String unit) {
        mustSucceed("enable", unit);
    }

    @Override
    public void disableNow(String unit) {
        mustSucceed("disable", "--now", unit);
    }

    @Override
    public void daemonReload() {
        mustSucceed("daemon-reload");
    }

    @Override
    public boolean isEnabled(String unit) {
        return commands.run(List.of(systemctl, "is-enabled", unit), timeout).succeeded();
    }

    @Override
    public boolean isActive(String unit) {
        return commands.run(List.of(systemctl, "is-active", unit), timeout).succeeded();
    }

    @Override
    public Optional<Instant> activeSince(String unit) {
        CommandResult result = commands.run(List.of(systemctl, "show", "-p", "ActiveEnterTimestamp", unit), timeout);
        String line = result.stdout().strip();
        int eq = line.indexOf('=');
        if (!result.succeeded() || eq < 0 || eq == line.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(SYSTEMD_TIME.parse(line.substring(eq + 1).strip())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void mustSucceed(String... args) {
        List<String> argv = new ArrayList<>(List.of(systemctl));
        argv.addAll(List.of(args));
        CommandResult result = commands.run(argv, timeout);
        if (!result.succeeded()) {
            throw new StepFailure(StepReason.SERVICE_COMMAND_FAILED, "systemctl " + String.join(" ", args) + " failed (exit "
                    + result.exitCode() + "): " + result.stderr().strip());
        }
    }
}
