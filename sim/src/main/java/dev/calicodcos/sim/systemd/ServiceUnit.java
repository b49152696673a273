package dev.calicodcos.sim.systemd;

import dev.calicodcos.sim.process.ContainedProcess;
import dev.calicodcos.sim.process.Containment;
import dev.calicodcos.sim.process.Launch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code .service} unit of the simulated systemd: its loaded definition and its runtime state.
 * Jobs (start, stop, restart, automatic restarts) run one at a time; state queries never wait for them.
 */
final class ServiceUnit {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceUnit.class);
    /** systemd's default manager environment (CentOS 7's systemd 219). */
    static final Map<String, String> MANAGER_ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "en_US.UTF-8");
    /** Exit statuses systemd counts as clean besides 0: SIGHUP, SIGINT, SIGPIPE, SIGTERM. */
    private static final List<Integer> CLEAN_SIGNALS = List.of(128 + 1, 128 + 2, 128 + 13, 128 + 15);
    static final int EXIT_EXEC = 203;

    /** What every unit of an agent shares. */
    record Context(Path root, Containment containment, Supplier<Map<String, String>> forcedEnvironment,
                   ScheduledExecutorService scheduler, Clock clock, UnitLog log) {}

    /** File identity at load time: systemd compares it to decide NeedDaemonReload. */
    record Stamp(FileTime modified, String sha256) {}

    enum LoadState { LOADED, NOT_FOUND, BAD_SETTING;
        String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final String name;
    private final Context context;
    private final Object jobs = new Object();
    private final Deque<Instant> starts = new ArrayDeque<>();
    private LoadState loadState = LoadState.NOT_FOUND;
    private Optional<UnitDefinition> definition = Optional.empty();
    private Optional<Stamp> loadedStamp = Optional.empty();
    private String badSetting = "";
    private String activeState = "inactive";
    private String subState = "dead";
    private String result = "success";
    private ContainedProcess main;
    private long mainPid;
    private Instant activeEnter;
    private Instant execMainStart;
    private int execMainStatus;
    private boolean stopping;
    private ScheduledFuture<?> pendingRestart;

    ServiceUnit(String name, Context context) {
        this.name = name;
        this.context = context;
    }

    String name() {
        return name;
    }

    Path file() {
        return context.root().resolve("etc/systemd/system").resolve(name);
    }

    String agentPath() {
        return "/etc/systemd/system/" + name;
    }

    Path journal() {
        return context.root().resolve("var/log/journal").resolve(name + ".log");
    }

    // ------------------------------------------------------------------ loading

    /** daemon-reload (or first reference): the definition on disk replaces the loaded one; running processes stay. */
    synchronized void load() {
        Optional<String> content = read(file());
        if (content.isEmpty()) {
            loadState = LoadState.NOT_FOUND;
            loadedStamp = Optional.empty();
            return;
        }
        loadedStamp = stamp(file(), content.get());
        UnitFile.Parsed parsed = UnitFile.parse(agentPath(), content.get());
        parsed.warnings().forEach(w -> context.log().append(name, UnitEvent.WARNING, w));
        if (parsed.definition().isPresent()) {
            loadState = LoadState.LOADED;
            definition = parsed.definition();
            badSetting = "";
        } else {
            loadState = LoadState.BAD_SETTING;
            badSetting = parsed.badSetting().orElse("");
            context.log().append(name, UnitEvent.BAD_SETTING, badSetting);
        }
    }

    synchronized LoadState loadState() {
        return loadState;
    }

    /** Whether the file changed (or appeared, or vanished) since it was loaded. */
    synchronized boolean needDaemonReload() {
        Optional<String> content = read(file());
        if (content.isEmpty()) {
            return loadedStamp.isPresent();
        }
        return loadedStamp.isEmpty() || !loadedStamp.equals(stamp(file(), content.get()));
    }

    // ------------------------------------------------------------------ jobs

    SystemctlResult start() {
        synchronized (jobs) {
            return startLocked();
        }
    }

    SystemctlResult stop() {
        synchronized (jobs) {
            stopLocked();
            return SystemctlResult.ok("");
        }
    }

    SystemctlResult restart() {
        synchronized (jobs) {
            stopLocked();
            return startLocked();
        }
    }

    /** Restarts only an active (or activating) unit. */
    SystemctlResult tryRestart() {
        synchronized (jobs) {
            synchronized (this) {
                if (!activeState.equals("active") && !activeState.equals("activating")) {
                    return SystemctlResult.ok("");
                }
            }
            stopLocked();
            return startLocked();
        }
    }

    synchronized void resetFailed() {
        starts.clear();
        if (activeState.equals("failed")) {
            activeState = "inactive";
            subState = "dead";
        }
        result = "success";
    }

    private SystemctlResult startLocked() {
        UnitDefinition def;
        synchronized (this) {
            if (loadState == LoadState.BAD_SETTING) {
                return SystemctlResult.error(1, "Failed to start " + name + ": Unit " + name + " has a bad unit file setting.\n"
                        + "See system logs and 'systemctl status " + name + "' for details.");
            }
            if (loadState == LoadState.NOT_FOUND || definition.isEmpty()) {
                return SystemctlResult.error(5, "Failed to start " + name + ": Unit " + name + " not found.");
            }
            if (pendingRestart != null) {
                pendingRestart.cancel(false);       // a start job ends the auto-restart wait at once
                pendingRestart = null;
            } else if (activeState.equals("active")) {
                return SystemctlResult.ok("");
            }
            def = definition.get();
            if (startLimitHit(def)) {
                return SystemctlResult.error(1, "Job for " + name + " failed because the start of the service was attempted too often.\n"
                        + "See \"systemctl status " + name + "\" and \"journalctl -xe\" for details.\n"
                        + "To force a start use \"systemctl reset-failed " + name + "\" followed by \"systemctl start "
                        + name + "\" again.");
            }
        }
        return run(def);
    }

    /** systemd's start rate limit ({@code StartLimitBurst} starts per {@code StartLimitIntervalSec}). */
    private boolean startLimitHit(UnitDefinition def) {
        Instant now = context.clock().instant();
        Duration interval = def.startLimitInterval();
        if (interval.isZero() || def.startLimitBurst() <= 0) {
            starts.addLast(now);
            return false;
        }
        while (!starts.isEmpty() && starts.peekFirst().isBefore(now.minus(interval))) {
            starts.removeFirst();
        }
        if (starts.size() >= def.startLimitBurst()) {
            enterFailed("start-limit-hit");
            return true;
        }
        starts.addLast(now);
        return false;
    }

    /** ExecStartPre in order, then ExecStart (Type=simple: started as soon as it is forked). */
    private SystemctlResult run(UnitDefinition def) {
        synchronized (this) {
            activeState = "activating";
            subState = "start-pre";
            result = "success";
        }
        Map<String, String> env = environment(def);
        for (ExecCommand pre : def.execStartPre()) {
            int status = control(pre, env, def.timeoutStart());
            if (status != 0 && !pre.ignoreFailure()) {
                boolean timeout = status < 0;
                context.log().append(name, UnitEvent.START_PRE_FAILED, timeout ? "timeout" : "status=" + status);
                synchronized (this) {
                    enterDead(timeout ? "timeout" : "exit-code", false, def);
                }
                return SystemctlResult.error(1, "Job for " + name + " failed because "
                        + (timeout ? "a timeout was exceeded." : "the control process exited with error code.") + "\n"
                        + "See \"systemctl status " + name + "\" and \"journalctl -xe\" for details.");
            }
        }
        List<String> argv = CommandLines.expand(def.execStart(), env);
        synchronized (this) {
            execMainStart = context.clock().instant();
            if (!Files.isExecutable(Path.of(argv.get(0)))) {
                // systemd forks, the exec fails in the child: status 203/EXEC, and start still succeeded
                context.log().append(name, UnitEvent.STARTED, "pid=0");
                appendJournal("Failed at step EXEC spawning " + argv.get(0) + ": No such file or directory");
                exited(EXIT_EXEC, def);
                return SystemctlResult.ok("");
            }
            ContainedProcess p;
            try {
                p = context.containment().start(new Launch(argv.get(0), argv, env, context.root(), journal(), journal(),
                        Optional.empty()));
            } catch (IOException e) {
                appendJournal("Failed to spawn " + argv.get(0) + ": " + e.getMessage());
                context.log().append(name, UnitEvent.STARTED, "pid=0");
                exited(EXIT_EXEC, def);
                return SystemctlResult.ok("");
            }
            main = p;
            mainPid = awaitMainPid(p);
            activeState = "active";
            subState = "running";
            activeEnter = context.clock().instant();
            context.log().append(name, UnitEvent.STARTED, "pid=" + mainPid);
            p.onExit().thenRunAsync(() -> mainExited(p), context.scheduler());
        }
        return SystemctlResult.ok("");
    }

    /** Runs a control command (ExecStartPre) to its end; its status, or -1 when it timed out and was killed. */
    private int control(ExecCommand command, Map<String, String> env, Optional<Duration> timeout) {
        List<String> argv = CommandLines.expand(command, env);
        if (!Files.isExecutable(Path.of(argv.get(0)))) {
            appendJournal("Failed at step EXEC spawning " + argv.get(0) + ": No such file or directory");
            return EXIT_EXEC;
        }
        try {
            ContainedProcess p = context.containment().start(new Launch(argv.get(0), argv, env, context.root(), journal(),
                    journal(), Optional.empty()));
            try {
                p.onExit().get(timeout.map(Duration::toMillis).orElse(Long.MAX_VALUE), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                p.kill();
                return -1;
            } catch (ExecutionException e) {
                return 1;
            }
            p.killLeftovers();
            return p.waitFor();
        } catch (IOException e) {
            appendJournal("Failed to spawn " + argv.get(0) + ": " + e.getMessage());
            return EXIT_EXEC;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The command's host pid, which the init forks right after starting. */
    private static long awaitMainPid(ContainedProcess p) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Optional<ProcessHandle> main = p.main();
            if (main.isPresent()) {
                return main.get().pid();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return p.pid();
    }

    private void mainExited(ContainedProcess p) {
        synchronized (this) {
            if (main != p) {
                return;                        // a stop job has dealt with it
            }
            p.killLeftovers();                 // KillMode=control-group: the cgroup is emptied when the main process ends
            exited(p.onExit().join().exitValue(), definition.orElse(null));
        }
    }

    /** The main process ended by itself: Restart= decides between auto-restart, inactive and failed. */
    private void exited(int status, UnitDefinition def) {
        context.log().append(name, UnitEvent.EXITED, "status=" + status);
        main = null;
        mainPid = 0;
        execMainStatus = status;
        if (stopping) {
            return;
        }
        boolean clean = status == 0 || CLEAN_SIGNALS.contains(status);
        enterDead(clean ? "success" : status > 128 && status != EXIT_EXEC ? "signal" : "exit-code", clean, def);
    }

    private void enterDead(String why, boolean clean, UnitDefinition def) {
        UnitDefinition.Restart restart = def == null ? UnitDefinition.Restart.NO : def.restart();
        boolean again = restart == UnitDefinition.Restart.ALWAYS || (restart == UnitDefinition.Restart.ON_FAILURE && !clean);
        result = why;
        if (again) {
            activeState = "activating";
            subState = "auto-restart";
            pendingRestart = context.scheduler().schedule(this::autoRestart, def.restartSec().toMillis(), TimeUnit.MILLISECONDS);
        } else if (clean) {
            activeState = "inactive";
            subState = "dead";
        } else {
            enterFailed(why);
        }
    }

    private void enterFailed(String why) {
        activeState = "failed";
        subState = "failed";
        result = why;
        context.log().append(name, UnitEvent.FAILED, "result=" + why);
    }

    private void autoRestart() {
        synchronized (jobs) {
            UnitDefinition def;
            synchronized (this) {
                if (pendingRestart == null || !subState.equals("auto-restart")) {
                    return;
                }
                pendingRestart = null;
                def = definition.orElse(null);
                if (def == null || loadState != LoadState.LOADED) {
                    enterFailed("resources");
                    return;
                }
                context.log().append(name, UnitEvent.RESTARTING, "");
                if (startLimitHit(def)) {
                    return;
                }
            }
            try {
                run(def);
            } catch (RuntimeException e) {
                LOG.warn("automatic restart of {} failed", name, e);
            }
        }
    }

    /** KillMode=control-group: SIGTERM to every process, SIGKILL when TimeoutStopSec runs out. */
    private void stopLocked() {
        ContainedProcess p;
        Optional<Duration> timeout;
        synchronized (this) {
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
                pendingRestart = null;
                activeState = "inactive";
                subState = "dead";
            }
            p = main;
            if (p == null) {
                return;
            }
            stopping = true;
            activeState = "deactivating";
            subState = "stop-sigterm";
            timeout = definition.map(UnitDefinition::timeoutStop).orElse(Optional.of(UnitFile.DEFAULT_TIMEOUT));
            context.log().append(name, UnitEvent.STOPPING, "");
        }
        boolean timedOut = false;
        p.terminate();
        try {
            p.onExit().get(timeout.map(Duration::toMillis).orElse(Long.MAX_VALUE), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            timedOut = true;
            synchronized (this) {
                subState = "stop-sigkill";
            }
            p.kill();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
        } catch (ExecutionException e) {
            // cannot happen: onExit completes normally
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.kill();
        }
        p.killLeftovers();
        synchronized (this) {
            if (main == p) {
                context.log().append(name, UnitEvent.EXITED, "status=" + (p.isAlive() ? 137 : p.onExit().join().exitValue()));
                main = null;
                mainPid = 0;
            }
            stopping = false;
            context.log().append(name, UnitEvent.STOPPED, "");
            if (timedOut) {
                enterFailed("timeout");
            } else {
                activeState = "inactive";
                subState = "dead";
                result = "success";
            }
        }
    }

    /** The simulator is closing or the agent is removed: stop at once (SIGTERM, SIGKILL after 2 s). */
    void shutdown() {
        ContainedProcess p;
        synchronized (this) {
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
                pendingRestart = null;
            }
            p = main;
            if (p == null) {
                return;
            }
            stopping = true;
            context.log().append(name, UnitEvent.STOPPING, "");
        }
        p.terminate();
        try {
            p.onExit().get(2, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            p.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.kill();
        }
        p.killLeftovers();
        synchronized (this) {
            main = null;
            mainPid = 0;
            activeState = "inactive";
            subState = "dead";
            context.log().append(name, UnitEvent.STOPPED, "");
        }
    }

    // ------------------------------------------------------------------ state

    synchronized String activeState() {
        return activeState;
    }

    synchronized long mainPid() {
        return mainPid;
    }

    /** A property of {@code systemctl show}; {@code null} for an unknown one. */
    synchronized String property(String property, String unitFileState) {
        return switch (property) {
            case "Id", "Names" -> name;
            case "Description" -> definition.map(UnitDefinition::description).orElse("");
            case "LoadState" -> loadState.text();
            case "ActiveState" -> activeState;
            case "SubState" -> subState;
            case "Result" -> result;
            case "MainPID", "ExecMainPID" -> Long.toString(mainPid);
            case "ExecMainStatus" -> Integer.toString(execMainStatus);
            case "ActiveEnterTimestamp" -> activeEnter == null ? "" : Timestamps.format(activeEnter);
            case "ExecMainStartTimestamp" -> execMainStart == null ? "" : Timestamps.format(execMainStart);
            case "UnitFileState" -> unitFileState;
            case "NeedDaemonReload" -> needDaemonReload() ? "yes" : "no";
            case "FragmentPath" -> loadState == LoadState.NOT_FOUND ? "" : agentPath();
            case "LoadError" -> loadState == LoadState.BAD_SETTING ? badSetting : "";
            default -> null;
        };
    }

    // ------------------------------------------------------------------ helpers

    private Map<String, String> environment(UnitDefinition def) {
        Map<String, String> env = new LinkedHashMap<>(MANAGER_ENVIRONMENT);
        env.putAll(def.environment());
        env.putAll(context.forcedEnvironment().get());
        return env;
    }

    private void appendJournal(String line) {
        try {
            Files.writeString(journal(), line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("cannot write journal {}", journal(), e);
        }
    }

    static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Optional<Stamp> stamp(Path file, String content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return Optional.of(new Stamp(Files.getLastModifiedTime(file),
                    HexFormat.of().formatHex(sha.digest(content.getBytes(StandardCharsets.UTF_8)))));
        } catch (IOException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
