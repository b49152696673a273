package dev.calicodcos.sim.agent;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fake {@code systemctl}'s brain for one agent: parses the arguments and acts on the agent unit
 * ({@code dcos-mesos-slave} or {@code dcos-mesos-slave-public}, whichever exists) and {@code docker}.
 */
public final class Systemctl {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Answer of one call: exit code, stdout, stderr. */
    public record Result(int exitCode, String stdout, String stderr) {
        static Result ok(String stdout) {
            return new Result(0, stdout, "");
        }

        /** Body for the script: exit code, then O:/E: prefixed lines. */
        public String wire() {
            StringBuilder b = new StringBuilder().append(exitCode).append('\n');
            stdout.lines().forEach(l -> b.append("O:").append(l).append('\n'));
            stderr.lines().forEach(l -> b.append("E:").append(l).append('\n'));
            return b.toString();
        }
    }

    /** A unit the fake knows about. */
    public interface Unit {
        String state();                      // active | activating | inactive | failed

        Optional<Instant> activeSince();

        Result start();

        Result stop();

        Result restart();

        Result reload();

        String unitFile();
    }

    private final String agentUnitName;
    private final Unit agentUnit;
    private final Unit docker;

    public Systemctl(String agentUnitName, Unit agentUnit, Unit docker) {
        this.agentUnitName = agentUnitName;
        this.agentUnit = agentUnit;
        this.docker = docker;
    }

    public Result run(List<String> args) {
        List<String> words = new ArrayList<>();
        List<String> properties = new ArrayList<>();
        boolean valueOnly = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-p") || a.equals("--property")) {
                if (i + 1 < args.size()) {
                    properties.add(args.get(++i));
                }
            } else if (a.startsWith("--property=")) {
                properties.add(a.substring("--property=".length()));
            } else if (a.equals("--value")) {
                valueOnly = true;
            } else if (!a.startsWith("-")) {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            return new Result(1, "", "Too few arguments.");
        }
        String verb = words.get(0);
        List<String> units = words.subList(1, words.size());
        if (verb.equals("daemon-reload")) {
            return Result.ok("");
        }
        if (units.isEmpty()) {
            return new Result(1, "", "Too few arguments.");
        }
        boolean value = valueOnly;
        Result last = Result.ok("");
        StringBuilder out = new StringBuilder();
        for (String name : units) {
            String unitName = name.endsWith(".service") ? name.substring(0, name.length() - ".service".length()) : name;
            Optional<Unit> unit = unit(unitName);
            last = switch (verb) {
                case "is-active" -> unit.map(u -> new Result(u.state().equals("active") ? 0 : 3, u.state(), ""))
                        .orElse(new Result(4, "inactive", ""));
                case "is-failed" -> unit.map(u -> new Result(u.state().equals("failed") ? 0 : 1, u.state(), ""))
                        .orElse(new Result(1, "inactive", ""));
                case "start" -> unit.map(Unit::start).orElse(notFound("start", unitName));
                case "stop" -> unit.map(Unit::stop).orElse(notFound("stop", unitName));
                case "restart" -> unit.map(Unit::restart).orElse(notFound("restart", unitName));
                case "reload" -> unit.map(Unit::reload).orElse(notFound("reload", unitName));
                case "reset-failed" -> Result.ok("");
                case "show" -> unit.map(u -> show(u, properties, value)).orElse(Result.ok("LoadState=not-found"));
                case "cat" -> unit.map(u -> Result.ok(u.unitFile())).orElse(new Result(1, "", "No files found for " + unitName + ".service."));
                default -> new Result(1, "", "Unknown command verb " + verb + ".");
            };
            if (!last.stdout().isEmpty()) {
                out.append(last.stdout()).append('\n');
            }
            if (last.exitCode() != 0) {
                return new Result(last.exitCode(), out.toString().stripTrailing(), last.stderr());
            }
        }
        return new Result(last.exitCode(), out.toString().stripTrailing(), last.stderr());
    }

    private Optional<Unit> unit(String name) {
        if (name.equals(agentUnitName)) {
            return Optional.of(agentUnit);
        }
        return name.equals("docker") ? Optional.of(docker) : Optional.empty();
    }

    private static Result notFound(String verb, String unit) {
        return new Result(5, "", "Failed to " + verb + " " + unit + ".service: Unit " + unit + ".service not found.");
    }

    private static Result show(Unit unit, List<String> properties, boolean valueOnly) {
        List<String> props = properties.isEmpty() ? List.of("ActiveState", "SubState", "ActiveEnterTimestamp") : properties;
        List<String> lines = new ArrayList<>();
        for (String prop : props) {
            for (String p : prop.split(",")) {
                String value = switch (p) {
                    case "ActiveState" -> unit.state();
                    case "SubState" -> switch (unit.state()) {
                        case "active" -> "running";
                        case "activating" -> "start";
                        case "failed" -> "failed";
                        default -> "dead";
                    };
                    case "ActiveEnterTimestamp" -> unit.activeSince().map(TIMESTAMP::format).orElse("");
                    case "LoadState" -> "loaded";
                    default -> "";
                };
                lines.add(valueOnly ? value : p + "=" + value);
            }
        }
        return Result.ok(String.join("\n", lines));
    }

    public static String formatTimestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }
}
