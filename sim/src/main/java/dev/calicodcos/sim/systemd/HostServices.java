package dev.calicodcos.sim.systemd;

import dev.calicodcos.sim.process.Containment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The simulated systemd of one agent for the {@code .service} units under {@code <root>/etc/systemd/system}:
 * the verbs the fake {@code systemctl} forwards, and a Java view of the lifecycle log
 * ({@code <root>/var/log/fake-systemd.log}) for tests. Services are children of the simulator (the
 * host), never of a task: they outlive every task and Mesos agent restart, and stop with {@link #close()}.
 */
public final class HostServices implements AutoCloseable {
    static final List<String> SHOW_DEFAULT = List.of("Id", "Description", "LoadState", "ActiveState", "SubState", "Result",
            "MainPID", "ExecMainStatus", "ActiveEnterTimestamp", "UnitFileState", "NeedDaemonReload", "FragmentPath");
    private static final String CHANGED_ON_DISK = "Warning: The unit file, source configuration file or drop-ins of %s changed"
            + " on disk. Run 'systemctl daemon-reload' to reload units.";

    private final Path unitDir;
    private final ServiceUnit.Context context;
    private final Map<String, ServiceUnit> units = new ConcurrentHashMap<>();

    public HostServices(Path root, Containment containment, Supplier<Map<String, String>> forcedEnvironment,
                        ScheduledExecutorService scheduler, Clock clock, String agent) {
        this.unitDir = root.resolve("etc/systemd/system");
        this.context = new ServiceUnit.Context(root, containment, forcedEnvironment, scheduler, clock,
                new UnitLog(root.resolve("var/log/fake-systemd.log"), clock, agent));
    }

    /** {@code x} → {@code x.service}; other unit types are kept as written (and are never found). */
    public static String unitName(String name) {
        boolean typed = Stream.of(".service", ".socket", ".timer", ".target", ".mount", ".path", ".slice", ".scope", ".device",
                ".swap", ".automount").anyMatch(name::endsWith);
        return typed ? name : name + ".service";
    }

    // ------------------------------------------------------------------ verbs

    public SystemctlResult start(String name) {
        ServiceUnit unit = reference(name);
        return warnIfChanged(unit, unit.start());
    }

    public SystemctlResult stop(String name) {
        ServiceUnit unit = reference(name);
        if (notLoaded(unit)) {
            return SystemctlResult.error(5, "Failed to stop " + name + ": Unit " + name + " not loaded.");
        }
        return warnIfChanged(unit, unit.stop());
    }

    public SystemctlResult restart(String name) {
        ServiceUnit unit = reference(name);
        return warnIfChanged(unit, unit.restart());
    }

    public SystemctlResult tryRestart(String name) {
        ServiceUnit unit = reference(name);
        return warnIfChanged(unit, unit.tryRestart());
    }

    public SystemctlResult resetFailed(String name) {
        ServiceUnit unit = reference(name);
        if (notLoaded(unit)) {
            return SystemctlResult.error(1, "Failed to reset failed state of unit " + name + ": Unit " + name + " not loaded.");
        }
        unit.resetFailed();
        return SystemctlResult.ok("");
    }

    /** {@code is-active}: 0 when active, 3 otherwise (LSB "program is not running"). */
    public SystemctlResult isActive(String name) {
        String state = reference(name).activeState();
        return new SystemctlResult(state.equals("active") ? 0 : 3, state, "");
    }

    public SystemctlResult isFailed(String name) {
        String state = reference(name).activeState();
        return new SystemctlResult(state.equals("failed") ? 0 : 1, state, "");
    }

    /** {@code is-enabled} reads the unit file and the links on disk, as systemctl does. */
    public SystemctlResult isEnabled(String name) {
        String state = unitFileState(name);
        return switch (state) {
            case "" -> SystemctlResult.error(1, "Failed to get unit file state for " + name + ": No such file or directory");
            case "enabled", "static" -> SystemctlResult.ok(state);
            default -> new SystemctlResult(1, state, "");
        };
    }

    public SystemctlResult enable(String name, boolean now, boolean reload) {
        Path file = unitDir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return SystemctlResult.error(1, "Failed to enable unit: Unit file " + name + " does not exist.");
        }
        UnitFile.Install install = install(name);
        List<String> messages = new ArrayList<>();
        if (!install.present()) {
            messages.add("The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                    + "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
                    + "units). This means they are not meant to be enabled using systemctl.");
        }
        try {
            for (String dir : linkDirs(install)) {
                Path at = unitDir.resolve(dir).resolve(name);
                if (!Files.isSymbolicLink(at) && !Files.exists(at)) {
                    Files.createDirectories(at.getParent());
                    Files.createSymbolicLink(at, Path.of("..", name));
                    messages.add("Created symlink /etc/systemd/system/" + dir + "/" + name + " → /etc/systemd/system/" + name + ".");
                }
            }
        } catch (IOException e) {
            return SystemctlResult.error(1, "Failed to enable unit: " + e.getMessage());
        }
        if (reload) {
            daemonReload();
        }
        SystemctlResult out = new SystemctlResult(0, "", String.join("\n", messages));
        if (now) {
            SystemctlResult started = start(name);
            return new SystemctlResult(started.exitCode(), started.stdout(),
                    String.join("\n", Stream.of(out.stderr(), started.stderr()).filter(s -> !s.isEmpty()).toList()));
        }
        return out;
    }

    public SystemctlResult disable(String name, boolean now, boolean reload) {
        List<Path> existing = enablementLinks(name);
        if (!Files.isRegularFile(unitDir.resolve(name)) && existing.isEmpty()) {
            return SystemctlResult.error(1, "Failed to disable unit: Unit file " + name + " does not exist.");
        }
        List<String> messages = new ArrayList<>();
        for (Path link : existing) {
            try {
                Files.deleteIfExists(link);
                messages.add("Removed /etc/systemd/system/" + unitDir.relativize(link) + ".");
            } catch (IOException e) {
                return SystemctlResult.error(1, "Failed to disable unit: " + e.getMessage());
            }
        }
        if (reload) {
            daemonReload();
        }
        SystemctlResult out = new SystemctlResult(0, "", String.join("\n", messages));
        return now ? stop(name).withWarning(out.stderr()) : out;
    }

    /** Every unit is loaded again from disk; running processes keep running under the new definition. */
    public SystemctlResult daemonReload() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(unitDir, "*.service")) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    units.computeIfAbsent(f.getFileName().toString(), n -> new ServiceUnit(n, context));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        units.values().forEach(ServiceUnit::load);
        return SystemctlResult.ok("");
    }

    public SystemctlResult show(String name, List<String> properties, boolean valueOnly) {
        ServiceUnit unit = reference(name);
        String fileState = unitFileState(name);
        List<String> lines = new ArrayList<>();
        for (String p : properties.isEmpty() ? SHOW_DEFAULT : properties) {
            String value = unit.property(p, fileState);
            if (value != null) {
                lines.add(valueOnly ? value : p + "=" + value);
            }
        }
        return SystemctlResult.ok(String.join("\n", lines));
    }

    public SystemctlResult cat(String name) {
        return ServiceUnit.read(unitDir.resolve(name))
                .map(content -> SystemctlResult.ok("# /etc/systemd/system/" + name + "\n" + content.stripTrailing()))
                .orElse(SystemctlResult.error(1, "No files found for " + name + "."));
    }

    // ------------------------------------------------------------------ Java view of the agent's logs

    /** Every line of {@code <root>/var/log/fake-systemd.log}. */
    public List<UnitEvent> events() {
        return context.log().read();
    }

    public List<UnitEvent> events(String unit) {
        String name = unitName(unit);
        return events().stream().filter(e -> e.unit().equals(name)).toList();
    }

    /** How often the unit's main process was started (first start, restarts and automatic restarts). */
    public int startCount(String unit) {
        return startTimes(unit).size();
    }

    public List<Instant> startTimes(String unit) {
        return events(unit).stream().filter(e -> e.event().equals(UnitEvent.STARTED)).map(UnitEvent::time).toList();
    }

    public String activeState(String unit) {
        ServiceUnit u = units.get(unitName(unit));
        return u == null ? "inactive" : u.activeState();
    }

    /** Host pid of the unit's main process; 0 when it does not run. */
    public long mainPid(String unit) {
        ServiceUnit u = units.get(unitName(unit));
        return u == null ? 0 : u.mainPid();
    }

    /** The unit's output: {@code <root>/var/log/journal/<unit>.log}. */
    public Path journal(String unit) {
        return context.root().resolve("var/log/journal").resolve(unitName(unit) + ".log");
    }

    /** Stops every service (removeAgent, cluster close). */
    @Override
    public void close() {
        units.values().parallelStream().forEach(ServiceUnit::shutdown);
    }

    // ------------------------------------------------------------------ helpers

    /** A unit by name, loaded from disk when it was never loaded (or was not found and holds nothing). */
    private ServiceUnit reference(String name) {
        ServiceUnit unit = units.computeIfAbsent(name, n -> {
            ServiceUnit u = new ServiceUnit(n, context);
            u.load();
            return u;
        });
        if (notLoaded(unit)) {
            unit.load();
        }
        return unit;
    }

    /** No unit file and nothing running: systemd holds no such unit. */
    private static boolean notLoaded(ServiceUnit unit) {
        return unit.loadState() == ServiceUnit.LoadState.NOT_FOUND && unit.activeState().equals("inactive");
    }

    private SystemctlResult warnIfChanged(ServiceUnit unit, SystemctlResult result) {
        return unit.needDaemonReload() ? result.withWarning(CHANGED_ON_DISK.formatted(unit.name())) : result;
    }

    /** enabled / disabled / static, or "" when there is no unit file. */
    private String unitFileState(String name) {
        if (!Files.isRegularFile(unitDir.resolve(name))) {
            return "";
        }
        if (!install(name).present()) {
            return "static";
        }
        return enablementLinks(name).isEmpty() ? "disabled" : "enabled";
    }

    private UnitFile.Install install(String name) {
        return ServiceUnit.read(unitDir.resolve(name)).map(c -> UnitFile.parse("/etc/systemd/system/" + name, c).install())
                .orElse(new UnitFile.Install(false, List.of(), List.of()));
    }

    /** {@code WantedBy=x} links from {@code x.wants/}, {@code RequiredBy=x} from {@code x.requires/}. */
    private static List<String> linkDirs(UnitFile.Install install) {
        List<String> out = new ArrayList<>();
        install.wantedBy().forEach(t -> out.add(t + ".wants"));
        install.requiredBy().forEach(t -> out.add(t + ".requires"));
        return out;
    }

    private List<Path> enablementLinks(String name) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(unitDir,
                p -> Files.isDirectory(p) && (p.toString().endsWith(".wants") || p.toString().endsWith(".requires")))) {
            for (Path dir : dirs) {
                Path link = dir.resolve(name);
                if (Files.isSymbolicLink(link) || Files.exists(link)) {
                    out.add(link);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
