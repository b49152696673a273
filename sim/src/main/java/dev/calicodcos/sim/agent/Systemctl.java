package dev.calicodcos.sim.agent;

import dev.calicodcos.sim.systemd.HostServices;
import dev.calicodcos.sim.systemd.SystemctlResult;
import dev.calicodcos.sim.systemd.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fake {@code systemctl}'s brain for one agent: parses the arguments as systemctl does, then acts on
 * the agent's own units ({@code dcos-mesos-slave} or {@code dcos-mesos-slave-public}, whichever exists,
 * and {@code docker}) or hands the call to the simulated systemd ({@link HostServices}) for unit files
 * under {@code <root>/etc/systemd/system}.
 */
public final class Systemctl {
    private static final Set<String> FLAGS = Set.of("--value", "-q", "--quiet", "--now", "--no-reload", "--no-block",
            "--no-pager", "--no-legend", "--no-ask-password", "--system", "-a", "--all", "-l", "--full", "--plain", "-f", "--force");
    private static final Set<String> NO_UNITS = Set.of("daemon-reload");

    /** One of the agent's own units (not backed by a unit file of the host root). */
    public interface Unit {
        String state();                      // active | activating | inactive | failed

        Optional<Instant> activeSince();

        SystemctlResult start();

        SystemctlResult stop();

        SystemctlResult restart();

        SystemctlResult reload();

        String unitFile();
    }

    private final String agentUnitName;
    private final Unit agentUnit;
    private final Unit docker;
    private final HostServices services;

    public Systemctl(String agentUnitName, Unit agentUnit, Unit docker, HostServices services) {
        this.agentUnitName = agentUnitName;
        this.agentUnit = agentUnit;
        this.docker = docker;
        this.services = services;
    }

    public SystemctlResult run(List<String> args) {
        List<String> words = new ArrayList<>();
        List<String> properties = new ArrayList<>();
        Set<String> flags = new java.util.HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-p") || a.equals("--property")) {
                if (i + 1 >= args.size()) {
                    return SystemctlResult.error(1, "systemctl: option '" + a + "' requires an argument");
                }
                properties.addAll(List.of(args.get(++i).split(",")));
            } else if (a.startsWith("--property=")) {
                properties.addAll(List.of(a.substring("--property=".length()).split(",")));
            } else if (a.startsWith("-p") && a.length() > 2 && !a.startsWith("--")) {
                properties.addAll(List.of(a.substring(2).split(",")));
            } else if (FLAGS.contains(a)) {
                flags.add(a);
            } else if (a.startsWith("--")) {
                return SystemctlResult.error(1, "systemctl: unrecognized option '" + a + "'");
            } else if (a.startsWith("-") && a.length() > 1) {
                return SystemctlResult.error(1, "systemctl: invalid option -- '" + a.charAt(1) + "'");
            } else {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            return SystemctlResult.error(1, "Too few arguments.");
        }
        String verb = words.get(0);
        List<String> units = words.subList(1, words.size());
        if (NO_UNITS.contains(verb)) {
            return units.isEmpty() ? services.daemonReload() : SystemctlResult.error(1, "Too many arguments.");
        }
        if (units.isEmpty()) {
            return SystemctlResult.error(1, "Too few arguments.");
        }
        Options options = new Options(properties, flags.contains("--value"), flags.contains("-q") || flags.contains("--quiet"),
                flags.contains("--now"), !flags.contains("--no-reload"));
        SystemctlResult last = SystemctlResult.ok("");
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (String name : units) {
            String unit = HostServices.unitName(name);
            if (unit.contains("/")) {
                return SystemctlResult.error(1, "Failed to " + verb + " " + name + ": Invalid unit name \"" + name + "\".");
            }
            Optional<Unit> own = own(unit);
            last = own.isPresent() ? ownUnit(verb, unit, own.get(), options) : hostUnit(verb, unit, options);
            if (!last.stdout().isEmpty() && !(options.quiet() && verb.startsWith("is-"))) {
                out.append(last.stdout()).append('\n');
            }
            if (!last.stderr().isEmpty()) {
                err.append(last.stderr()).append('\n');
            }
            if (last.exitCode() != 0) {
                break;
            }
        }
        return new SystemctlResult(last.exitCode(), out.toString().stripTrailing(), err.toString().stripTrailing());
    }

    record Options(List<String> properties, boolean valueOnly, boolean quiet, boolean now, boolean reload) {}

    private SystemctlResult hostUnit(String verb, String unit, Options o) {
        return switch (verb) {
            case "start" -> services.start(unit);
            case "stop" -> services.stop(unit);
            case "restart" -> services.restart(unit);
            case "try-restart", "condrestart" -> services.tryRestart(unit);
            case "reload" -> SystemctlResult.error(1, "Failed to reload " + unit + ": Job type reload is not applicable for unit "
                    + unit + ".");
            case "reset-failed" -> services.resetFailed(unit);
            case "is-active" -> services.isActive(unit);
            case "is-failed" -> services.isFailed(unit);
            case "is-enabled" -> services.isEnabled(unit);
            case "enable" -> services.enable(unit, o.now(), o.reload());
            case "disable" -> services.disable(unit, o.now(), o.reload());
            case "show" -> services.show(unit, o.properties(), o.valueOnly());
            case "cat" -> services.cat(unit);
            default -> unknownVerb(verb);
        };
    }

    private SystemctlResult ownUnit(String verb, String unit, Unit u, Options o) {
        return switch (verb) {
            case "is-active" -> new SystemctlResult(u.state().equals("active") ? 0 : 3, u.state(), "");
            case "is-failed" -> new SystemctlResult(u.state().equals("failed") ? 0 : 1, u.state(), "");
            case "is-enabled" -> SystemctlResult.ok("enabled");
            case "enable", "disable" -> SystemctlResult.ok("");
            case "start" -> u.start();
            case "stop" -> u.stop();
            case "restart" -> u.restart();
            case "try-restart", "condrestart" -> u.state().equals("active") ? u.restart() : SystemctlResult.ok("");
            case "reload" -> u.reload();
            case "reset-failed" -> SystemctlResult.ok("");
            case "show" -> show(unit, u, o.properties(), o.valueOnly());
            case "cat" -> SystemctlResult.ok(u.unitFile());
            default -> unknownVerb(verb);
        };
    }

    private Optional<Unit> own(String unit) {
        if (unit.equals(agentUnitName + ".service")) {
            return Optional.of(agentUnit);
        }
        return unit.equals("docker.service") ? Optional.of(docker) : Optional.empty();
    }

    private static SystemctlResult unknownVerb(String verb) {
        return SystemctlResult.error(1, "Unknown command verb " + verb + ".");
    }

    private static SystemctlResult show(String unit, Unit u, List<String> properties, boolean valueOnly) {
        List<String> props = properties.isEmpty() ? List.of("ActiveState", "SubState", "ActiveEnterTimestamp") : properties;
        List<String> lines = new ArrayList<>();
        for (String p : props) {
            String value = switch (p) {
                case "Id", "Names" -> unit;
                case "ActiveState" -> u.state();
                case "SubState" -> switch (u.state()) {
                    case "active" -> "running";
                    case "activating" -> "start";
                    case "failed" -> "failed";
                    default -> "dead";
                };
                case "ActiveEnterTimestamp" -> u.activeSince().map(Timestamps::format).orElse("");
                case "LoadState" -> "loaded";
                case "UnitFileState" -> "enabled";
                case "NeedDaemonReload" -> "no";
                case "Result" -> u.state().equals("failed") ? "exit-code" : "success";
                case "FragmentPath" -> "/etc/systemd/system/" + unit;
                default -> null;
            };
            if (value != null) {
                lines.add(valueOnly ? value : p + "=" + value);
            }
        }
        return SystemctlResult.ok(String.join("\n", lines));
    }
}
