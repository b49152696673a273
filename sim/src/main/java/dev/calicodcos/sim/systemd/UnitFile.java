package dev.calicodcos.sim.systemd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a {@code .service} unit file as systemd does (pure). Simulated: {@code [Unit]} Description,
 * Documentation, After, Before, Wants, StartLimitIntervalSec, StartLimitBurst; {@code [Service]} Type=simple,
 * ExecStartPre (repeatable, {@code -} prefix), ExecStart (exactly one), Restart=no|always|on-failure,
 * RestartSec, TimeoutStartSec, TimeoutStopSec, TimeoutSec, KillMode=control-group, Environment,
 * User/Group=root, StartLimitInterval, StartLimitBurst; {@code [Install]} WantedBy, RequiredBy. Unknown keys
 * and sections are ignored with a warning, as systemd does; valid settings whose behaviour is not
 * simulated make the unit {@code bad-setting}, so that nothing is silently run differently.
 */
final class UnitFile {
    private static final Pattern SECTION = Pattern.compile("\\[([^\\]]+)]");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SPAN_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");
    private static final Set<String> ACCEPTED_UNIT_KEYS = Set.of("Description", "Documentation", "After", "Before", "Wants");
    private static final Set<String> REFUSED_SERVICE_KEYS = Set.of("ExecStop", "ExecStopPost", "ExecStartPost", "ExecReload",
            "ExecCondition", "EnvironmentFile", "PIDFile", "RootDirectory", "RootImage", "BusName", "Sockets",
            "WatchdogSec", "RemainAfterExit", "SuccessExitStatus", "RestartPreventExitStatus", "RestartForceExitStatus");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
    static final Duration DEFAULT_RESTART_SEC = Duration.ofMillis(100);
    static final Duration DEFAULT_START_LIMIT_INTERVAL = Duration.ofSeconds(10);
    static final int DEFAULT_START_LIMIT_BURST = 5;

    private UnitFile() {}

    /** {@code [Install]}: what {@code enable} links the unit into; {@code present} false means "static". */
    record Install(boolean present, List<String> wantedBy, List<String> requiredBy) {}

    /** The outcome: a definition, or why it is {@code bad-setting}; the warnings systemd would log either way. */
    record Parsed(Optional<UnitDefinition> definition, Optional<String> badSetting, List<String> warnings, Install install) {}

    static Parsed parse(String agentPath, String content) {
        List<String> warnings = new ArrayList<>();
        Builder b = new Builder();
        String section = null;
        List<String[]> lines = logicalLines(content);
        Optional<String> bad = Optional.empty();
        for (String[] numbered : lines) {
            String where = agentPath + ":" + numbered[0];
            String line = numbered[1].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            Matcher m = SECTION.matcher(line);
            if (m.matches()) {
                section = m.group(1);
                if (!Set.of("Unit", "Service", "Install").contains(section)) {
                    warnings.add(where + ": Unknown section '" + section + "'. Ignoring.");
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (section == null) {
                warnings.add(where + ": Assignment outside of section. Ignoring.");
                continue;
            }
            if (eq < 0) {
                warnings.add(where + ": Missing '='.");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            try {
                switch (section) {
                    case "Unit" -> unitKey(b, key, value, where, warnings);
                    case "Service" -> serviceKey(b, key, value, where, warnings);
                    case "Install" -> installKey(b, key, value, where, warnings);
                    default -> { }
                }
            } catch (BadSetting e) {
                if (bad.isEmpty()) {
                    bad = Optional.of(where + ": " + e.getMessage());
                }
            }
        }
        Install install = new Install(b.installPresent, List.copyOf(b.wantedBy), List.copyOf(b.requiredBy));
        if (bad.isEmpty()) {
            if (b.execStart.isEmpty()) {
                bad = Optional.of(agentPath + ": Service has no ExecStart= setting. Refusing.");
            } else if (b.execStart.size() > 1) {
                bad = Optional.of(agentPath + ": Service has more than one ExecStart= setting, which is only allowed for"
                        + " Type=oneshot services. Refusing.");
            }
        }
        if (bad.isPresent()) {
            return new Parsed(Optional.empty(), bad, List.copyOf(warnings), install);
        }
        UnitDefinition definition = new UnitDefinition(b.description, b.execStartPre, b.execStart.get(0), b.restart,
                b.restartSec, b.timeoutStart, b.timeoutStop, b.environment, b.startLimitBurst, b.startLimitInterval);
        return new Parsed(Optional.of(definition), Optional.empty(), List.copyOf(warnings), install);
    }

    private static void unitKey(Builder b, String key, String value, String where, List<String> warnings) {
        if (key.equals("Description")) {
            b.description = value;
        } else if (key.equals("StartLimitIntervalSec") || key.equals("StartLimitInterval")) {
            span(value, key, where, warnings).ifPresent(d -> b.startLimitInterval = d.orElse(Duration.ZERO));
        } else if (key.equals("StartLimitBurst")) {
            burst(b, value, where, warnings);
        } else if (!ACCEPTED_UNIT_KEYS.contains(key)) {
            warnings.add(where + ": Unknown key name '" + key + "' in section 'Unit' (or not simulated), ignoring.");
        }
    }

    private static void serviceKey(Builder b, String key, String value, String where, List<String> warnings) throws BadSetting {
        switch (key) {
            case "Type" -> {
                if (!value.equals("simple")) {
                    throw new BadSetting("Type=" + value + " is not simulated (only Type=simple)");
                }
            }
            case "ExecStart" -> {
                if (value.isEmpty()) {
                    b.execStart.clear();
                } else {
                    b.execStart.add(CommandLines.parse(value));
                }
            }
            case "ExecStartPre" -> {
                if (value.isEmpty()) {
                    b.execStartPre.clear();
                } else {
                    b.execStartPre.add(CommandLines.parse(value));
                }
            }
            case "Restart" -> {
                switch (value) {
                    case "no" -> b.restart = UnitDefinition.Restart.NO;
                    case "always" -> b.restart = UnitDefinition.Restart.ALWAYS;
                    case "on-failure" -> b.restart = UnitDefinition.Restart.ON_FAILURE;
                    case "on-success", "on-abnormal", "on-watchdog", "on-abort" ->
                            throw new BadSetting("Restart=" + value + " is not simulated (no, always, on-failure)");
                    default -> warnings.add(where + ": Failed to parse service restart specifier, ignoring: " + value);
                }
            }
            case "RestartSec" -> span(value, key, where, warnings).ifPresent(d -> b.restartSec = d.orElse(Duration.ZERO));
            case "TimeoutStartSec" -> span(value, key, where, warnings).ifPresent(d -> b.timeoutStart = d);
            case "TimeoutStopSec" -> span(value, key, where, warnings).ifPresent(d -> b.timeoutStop = d);
            case "TimeoutSec" -> span(value, key, where, warnings).ifPresent(d -> {
                b.timeoutStart = d;
                b.timeoutStop = d;
            });
            case "KillMode" -> {
                switch (value) {
                    case "control-group" -> { }
                    case "process", "mixed", "none" ->
                            throw new BadSetting("KillMode=" + value + " is not simulated (only control-group)");
                    default -> warnings.add(where + ": Failed to parse kill mode, ignoring: " + value);
                }
            }
            case "Environment" -> environment(b, value, where, warnings);
            case "User", "Group" -> {
                if (!value.equals("root") && !value.equals("0")) {
                    throw new BadSetting(key + "=" + value + " is not simulated (services run as root)");
                }
            }
            case "StartLimitInterval", "StartLimitIntervalSec" ->
                    span(value, key, where, warnings).ifPresent(d -> b.startLimitInterval = d.orElse(Duration.ZERO));
            case "StartLimitBurst" -> burst(b, value, where, warnings);
            default -> {
                if (REFUSED_SERVICE_KEYS.contains(key)) {
                    throw new BadSetting(key + "= is not simulated");
                }
                warnings.add(where + ": Unknown key name '" + key + "' in section 'Service' (or not simulated), ignoring.");
            }
        }
    }

    private static void installKey(Builder b, String key, String value, String where, List<String> warnings) {
        b.installPresent = true;
        switch (key) {
            case "WantedBy" -> b.wantedBy.addAll(value.isEmpty() ? List.of() : List.of(value.split("\\s+")));
            case "RequiredBy" -> b.requiredBy.addAll(value.isEmpty() ? List.of() : List.of(value.split("\\s+")));
            default -> warnings.add(where + ": Unknown key name '" + key + "' in section 'Install' (or not simulated), ignoring.");
        }
    }

    private static void environment(Builder b, String value, String where, List<String> warnings) throws BadSetting {
        if (value.isEmpty()) {
            b.environment.clear();
            return;
        }
        for (String assignment : CommandLines.words(value)) {
            int eq = assignment.indexOf('=');
            if (eq <= 0 || !ENV_NAME.matcher(assignment.substring(0, eq)).matches()) {
                warnings.add(where + ": Invalid environment assignment, ignoring: " + assignment);
                continue;
            }
            b.environment.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
    }

    private static void burst(Builder b, String value, String where, List<String> warnings) {
        try {
            b.startLimitBurst = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            warnings.add(where + ": Failed to parse StartLimitBurst, ignoring: " + value);
        }
    }

    /** A systemd time span: the outer Optional is empty when unparsable, the inner one empty for infinity (or 0). */
    static Optional<Optional<Duration>> span(String value, String key, String where, List<String> warnings) {
        Optional<Optional<Duration>> parsed = parseSpan(value);
        if (parsed.isEmpty()) {
            warnings.add(where + ": Failed to parse " + key + " value, ignoring: " + value);
        }
        return parsed;
    }

    static Optional<Optional<Duration>> parseSpan(String value) {
        String v = value.strip();
        if (v.equals("infinity")) {
            return Optional.of(Optional.empty());
        }
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = SPAN_PART.matcher(v);
        long nanos = 0;
        int at = 0;
        while (at < v.length()) {
            while (at < v.length() && v.charAt(at) == ' ') {
                at++;
            }
            if (at == v.length()) {
                break;
            }
            if (!m.find(at) || m.start() != at) {
                return Optional.empty();
            }
            double amount = Double.parseDouble(m.group(1));
            Long unit = unitNanos(m.group(2));
            if (unit == null) {
                return Optional.empty();
            }
            nanos += (long) (amount * unit);
            at = m.end();
        }
        return Optional.of(nanos == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos)));
    }

    private static Long unitNanos(String unit) {
        return switch (unit) {
            case "", "s", "sec", "second", "seconds" -> 1_000_000_000L;
            case "us", "usec" -> 1_000L;
            case "ms", "msec" -> 1_000_000L;
            case "m", "min", "minute", "minutes" -> 60_000_000_000L;
            case "h", "hr", "hour", "hours" -> 3_600_000_000_000L;
            case "d", "day", "days" -> 86_400_000_000_000L;
            case "w", "week", "weeks" -> 604_800_000_000_000L;
            default -> null;
        };
    }

    /** Lines joined at a trailing backslash, each with its first physical line number. */
    private static List<String[]> logicalLines(String content) {
        List<String[]> out = new ArrayList<>();
        String[] physical = content.split("\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < physical.length; i++) {
            String line = physical[i].endsWith("\r") ? physical[i].substring(0, physical[i].length() - 1) : physical[i];
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            String trimmed = line.stripLeading();
            boolean comment = current.length() == 0 && (trimmed.startsWith("#") || trimmed.startsWith(";"));
            if (!comment && line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            out.add(new String[] {Integer.toString(start), current.toString()});
            current = null;
        }
        if (current != null) {
            out.add(new String[] {Integer.toString(start), current.toString()});
        }
        return out;
    }

    private static final class Builder {
        String description = "";
        final List<ExecCommand> execStartPre = new ArrayList<>();
        final List<ExecCommand> execStart = new ArrayList<>();
        UnitDefinition.Restart restart = UnitDefinition.Restart.NO;
        Duration restartSec = DEFAULT_RESTART_SEC;
        Optional<Duration> timeoutStart = Optional.of(DEFAULT_TIMEOUT);
        Optional<Duration> timeoutStop = Optional.of(DEFAULT_TIMEOUT);
        final Map<String, String> environment = new LinkedHashMap<>();
        int startLimitBurst = DEFAULT_START_LIMIT_BURST;
        Duration startLimitInterval = DEFAULT_START_LIMIT_INTERVAL;
        boolean installPresent;
        final List<String> wantedBy = new ArrayList<>();
        final List<String> requiredBy = new ArrayList<>();
    }
}
