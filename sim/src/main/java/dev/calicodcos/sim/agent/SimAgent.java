package dev.calicodcos.sim.agent;

import com.google.protobuf.ByteString;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.docker.DockerEngineFake;
import dev.calicodcos.sim.docker.Registry;
import dev.calicodcos.sim.master.AgentConnection;
import dev.calicodcos.sim.master.Master;
import dev.calicodcos.sim.process.Containment;
import dev.calicodcos.sim.systemd.HostServices;
import dev.calicodcos.sim.systemd.SystemctlResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated DC/OS agent: its host root, fake systemctl, simulated systemd and Docker fake, the
 * tasks it runs as local processes (each in its own PID namespace, with DC/OS's executor environment),
 * its own loopback address, and its status update manager. Tasks survive agent restarts (checkpointing).
 *
 * <p>The host side (host root on disk, Docker fake with its port, simulated systemd) is laid out and
 * started the first time anything needs it: a task launch, or a caller asking for {@link #hostRoot()},
 * {@link #docker()}, {@link #systemctl()}, {@link #hostServices()} or {@link #forcedEnvironment()}. Until
 * then the agent is a registration with the master and a few objects, no files, ports or threads, so a
 * cluster of 10,000 agents starts in seconds. What a task or test then finds is the same as if it had been
 * laid out at start, except that Docker's {@code daemon start} is logged (and {@code ActiveEnterTimestamp} set)
 * when the host side starts.
 */
public final class SimAgent implements AgentConnection, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimAgent.class);

    /** Timing and wiring shared by all agents. */
    public record Settings(Duration statusUpdateRetry, Duration restartDelay, int adminPort, List<String> dockerImages,
                           Registry registry, Containment containment) {}

    /** Environment variables the simulator forces on tasks and services (never taken from the task). */
    public static final String HOST_ROOT_ENV = "CALICO_DCOS_HOST_ROOT";
    public static final String DOCKER_HOST_ENV = "DOCKER_HOST";
    public static final String HOST_LOOPBACK_ENV = "CALICO_DCOS_HOST_LOOPBACK";

    private final AgentSpec spec;
    private final Path agentDir;
    private final Master master;
    private final Settings settings;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService taskThreads = Executors.newCachedThreadPool(daemon("task"));
    private final ExecutorService forwarder = Executors.newSingleThreadExecutor(daemon("updates"));
    private final StatusUpdateManager updates;
    private final Map<String, TaskRunner> runners = new ConcurrentHashMap<>();
    private final String loopback;
    private final ExecutorService httpExecutor;
    private volatile Host host;
    private volatile boolean closed;
    private volatile Protos.AgentID id;
    private volatile boolean connected;
    private volatile String agentUnitState = "active";
    private volatile Instant agentActiveSince;
    private volatile boolean failsToRegister;
    private volatile MesosAgentEndpoint endpoint;

    public SimAgent(AgentSpec spec, Path agentDir, Master master, Settings settings, Clock clock,
                    ScheduledExecutorService scheduler, ExecutorService httpExecutor, String loopback) {
        this.spec = spec;
        this.loopback = loopback;
        this.agentDir = agentDir;
        this.master = master;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.httpExecutor = httpExecutor;
        this.updates = new StatusUpdateManager(() -> id, master, () -> connected, scheduler, forwarder,
                settings.statusUpdateRetry());
    }

    /** Registers with the master; returns the agent ID. The host side starts when first needed (see above). */
    public Protos.AgentID start() {
        agentActiveSince = clock.instant();
        connected = true;
        id = master.registerAgent(spec, this);
        return id;
    }

    /** The agent's host side: files, Docker fake (with its port), simulated systemd; see the class comment. */
    private record Host(HostRoot root, DockerEngineFake docker, HostServices services, Systemctl systemctl,
                        UriFetcher fetcher, Map<String, String> executorEnvironment) {}

    private Host host() {
        Host h = host;
        if (h == null) {
            synchronized (this) {
                h = host;
                if (h == null) {
                    if (closed) {
                        throw new IllegalStateException("agent " + spec.hostname() + " is closed");
                    }
                    h = startHost();
                    host = h;
                }
            }
        }
        return h;
    }

    /** Whether the host side has been laid out and started (it is, once anything asked for it). */
    public boolean hostStarted() {
        return host != null;
    }

    private Host startHost() {
        HostRoot root = HostRoot.create(agentDir.resolve("root"), spec);
        try {
            FakeSystemctlScript.write(root.systemctl(), root.systemctlLog(), settings.adminPort(), spec.hostname());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DockerEngineFake docker = new DockerEngineFake(spec, root, loopback, settings.registry(), clock, httpExecutor,
                settings.dockerImages());
        docker.start().ifPresent(p -> LOG.warn("docker fake did not start agent={} reason={}", spec.hostname(), p));
        HostServices services = new HostServices(root.root(), settings.containment(), () -> forcedEnvironment(root, docker),
                scheduler, clock, spec.hostname());
        return new Host(root, docker, services, new Systemctl(spec.agentUnit(), new AgentUnit(), new DockerUnit(docker), services),
                new UriFetcher(agentDir.resolve("fetcher-cache")), root.executorEnvironment());
    }

    public Protos.AgentID id() {
        return id;
    }

    public AgentSpec spec() {
        return spec;
    }

    public HostRoot hostRoot() {
        return host().root();
    }

    /**
     * The agent's stand-in for its own {@code 127.0.0.1}: a distinct {@code 127.a.b.c} per agent, stable for
     * its life (all simulated agents share this machine's loopback). Tasks get it as {@code CALICO_DCOS_HOST_LOOPBACK}.
     */
    public String loopback() {
        return loopback;
    }

    /** The simulated systemd of this agent (units under {@code <root>/etc/systemd/system}) and its lifecycle log. */
    public HostServices hostServices() {
        return host().services();
    }

    /** What the simulator forces into every task's and service's environment. */
    public Map<String, String> forcedEnvironment() {
        Host h = host();
        return forcedEnvironment(h.root(), h.docker());
    }

    private Map<String, String> forcedEnvironment(HostRoot root, DockerEngineFake docker) {
        return Map.of(HOST_ROOT_ENV, root.root().toString(), DOCKER_HOST_ENV, docker.dockerHost(), HOST_LOOPBACK_ENV, loopback);
    }

    public DockerEngineFake docker() {
        return host().docker();
    }

    public Systemctl systemctl() {
        return host().systemctl();
    }

    public boolean connected() {
        return connected;
    }

    /**
     * Whether the agent process runs and is registered with the master: what its {@code slave/registered}
     * gauge says. False while the process restarts, is stopped, disconnected or partitioned, or after a
     * (re)start with {@link #failToRegister} set.
     */
    public boolean registered() {
        return agentUnitState.equals("active") && connected;
    }

    /**
     * Where the agent's own HTTP API ({@code GET /metrics/snapshot}) listens: {@code <loopback>:5051}, the
     * stand-in for {@code <agent IP>:5051}. It is opened the first time a task is launched here (a node agent
     * may ask) or this is called, not at start: 10,000 agents without tasks bind nothing.
     */
    public String mesosAgentEndpoint() {
        return endpoint().hostPort();
    }

    /** Whether the agent's HTTP API accepts connections now (it does not while the process is down). */
    public boolean mesosAgentEndpointListening() {
        MesosAgentEndpoint e = endpoint;
        return e != null && e.listening();
    }

    /**
     * Fault: from the next (re)start of the agent process on, while {@code failing}, the process comes back
     * ({@code systemctl} says active) but never registers with the master, as a Mesos agent that cannot get
     * past its start (e.g. a CNI config Mesos &lt; 1.2 refuses). Clearing it takes effect at the next (re)start.
     */
    public void failToRegister(boolean failing) {
        failsToRegister = failing;
    }

    private MesosAgentEndpoint endpoint() {
        MesosAgentEndpoint e = endpoint;
        if (e == null) {
            synchronized (this) {
                e = endpoint;
                if (e == null) {
                    e = new MesosAgentEndpoint(loopback, MesosAgentEndpoint.PORT, this::registered, () -> agentActiveSince, clock,
                            httpExecutor);
                    endpoint = e;
                    if (agentUnitState.equals("active") && !closed) {
                        e.up();
                    }
                }
            }
        }
        return e;
    }

    /** The agent process (re)started: it listens, and registers unless told to fail. */
    private void processUp() {
        agentActiveSince = clock.instant();
        agentUnitState = "active";
        Optional.ofNullable(endpoint).ifPresent(MesosAgentEndpoint::up);
        if (!failsToRegister) {
            reconnect();
        }
    }

    private void processDown(String unitState) {
        agentUnitState = unitState;
        Optional.ofNullable(endpoint).ifPresent(MesosAgentEndpoint::down);
        disconnect();
    }

    // ---------------------------------------------------------------- AgentConnection

    @Override
    public void launch(FrameworkID frameworkId, FrameworkInfo framework, TaskInfo task) {
        endpoint();
        TaskRunner.AgentContext context = new TaskRunner.AgentContext(id, spec.hostname(), () -> {
            Host h = host();
            return new TaskRunner.TaskHost(h.executorEnvironment(), forcedEnvironment(h.root(), h.docker()), h.fetcher());
        }, settings.containment(), updates, scheduler, clock);
        TaskRunner runner = new TaskRunner(context, frameworkId, framework, task, agentDir);
        runners.put(task.getTaskId().getValue(), runner);
        taskThreads.execute(runner::run);
    }

    @Override
    public void kill(TaskID taskId, Optional<Duration> gracePeriod) {
        TaskRunner runner = runners.get(taskId.getValue());
        if (runner != null) {
            runner.kill(gracePeriod);
        }
    }

    @Override
    public void acknowledge(TaskID taskId, ByteString uuid) {
        updates.acknowledge(taskId, uuid);
    }

    @Override
    public void shutdownFramework(FrameworkID frameworkId) {
        updates.forgetFramework(frameworkId);
        runners.values().stream().filter(r -> r.frameworkId().equals(frameworkId)).forEach(r -> r.signal(true));
    }

    // ---------------------------------------------------------------- lifecycle and faults

    /** Connection to the master lost; the agent process keeps running its tasks. */
    public void disconnect() {
        connected = false;
        master.agentDisconnected(id);
    }

    /** Re-registers with the same agent ID and resends unacknowledged updates. */
    public void reconnect() {
        connected = true;
        master.agentReconnected(id);
        updates.resendAll();
    }

    /** The master stops hearing from the agent for longer than its ping timeout: marked unreachable. */
    public void partition() {
        connected = false;
        master.agentUnreachable(id);
    }

    /** The partition heals: the agent re-registers with its old ID and resends unacknowledged updates. */
    public void heal() {
        connected = true;
        master.agentReregistered(id);
        updates.resendAll();
    }

    /** {@code systemctl restart dcos-mesos-slave}: gone for {@code restartDelay}, then back; returns when back. */
    public void restartAgentProcess() {
        processDown("activating");
        try {
            Thread.sleep(settings.restartDelay().toMillis());     // the simulated downtime itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processUp();
    }

    /** Fault: the task's process dies (SIGKILL, or SIGTERM when {@code forcibly} is false) without a KILL. */
    public boolean signalTask(String taskId, boolean forcibly) {
        TaskRunner runner = runners.get(taskId);
        if (runner == null) {
            return false;
        }
        runner.signal(forcibly);
        return true;
    }

    /** The IDs of the tasks on this agent that have not ended, sorted. */
    public List<String> liveTasks() {
        return runners.entrySet().stream().filter(e -> !e.getValue().finished()).map(Map.Entry::getKey).sorted().toList();
    }

    public Optional<Path> sandbox(String taskId) {
        return Optional.ofNullable(runners.get(taskId)).map(TaskRunner::sandbox);
    }

    /** Host pids of every live process of the task's container (its init included); empty when it is gone. */
    public List<Long> taskProcesses(String taskId) {
        return Optional.ofNullable(runners.get(taskId)).flatMap(TaskRunner::container)
                .map(c -> c.processes().stream().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    public int outstandingUpdates() {
        return updates.outstanding();
    }

    @Override
    public void close() {
        Host h;
        synchronized (this) {
            closed = true;
            h = host;
        }
        connected = false;
        Optional.ofNullable(endpoint).ifPresent(MesosAgentEndpoint::close);
        updates.close();
        runners.values().forEach(r -> r.signal(true));
        if (h != null) {
            h.services().close();
        }
        taskThreads.shutdownNow();
        forwarder.shutdownNow();
        try {
            taskThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (h != null) {
            h.docker().close();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, "sim-agent-" + name);
            t.setDaemon(true);
            return t;
        };
    }

    private final class AgentUnit implements Systemctl.Unit {
        @Override public String state() { return agentUnitState; }
        @Override public Optional<Instant> activeSince() {
            return agentUnitState.equals("active") ? Optional.ofNullable(agentActiveSince) : Optional.empty();
        }
        @Override public SystemctlResult start() {
            if (!agentUnitState.equals("active")) {
                processUp();
            }
            return SystemctlResult.ok("");
        }
        @Override public SystemctlResult stop() {
            if (agentUnitState.equals("active")) {
                processDown("inactive");
            }
            return SystemctlResult.ok("");
        }
        @Override public SystemctlResult restart() {
            restartAgentProcess();
            return SystemctlResult.ok("");
        }
        @Override public SystemctlResult reload() {
            return new SystemctlResult(1, "", "Failed to reload " + spec.agentUnit() + ".service: Job type reload is not"
                    + " applicable for unit " + spec.agentUnit() + ".service.");
        }
        @Override public String unitFile() {
            return "# /etc/systemd/system/" + spec.agentUnit() + ".service (simulated)\n[Service]\n"
                    + "EnvironmentFile=/opt/mesosphere/etc/mesos-slave-common\n"
                    + "ExecStart=/opt/mesosphere/bin/mesos-agent\n";
        }
    }

    private static final class DockerUnit implements Systemctl.Unit {
        private final DockerEngineFake docker;

        DockerUnit(DockerEngineFake docker) {
            this.docker = docker;
        }

        @Override public String state() {
            return switch (docker.state()) {
                case RUNNING -> "active";
                case FAILED -> "failed";
                case STOPPED -> "inactive";
            };
        }
        @Override public Optional<Instant> activeSince() { return docker.activeSince(); }
        @Override public SystemctlResult start() { return jobResult(docker.start()); }
        @Override public SystemctlResult stop() {
            docker.stop();
            return SystemctlResult.ok("");
        }
        @Override public SystemctlResult restart() { return jobResult(docker.restart()); }
        @Override public SystemctlResult reload() {
            return docker.reload().map(p -> new SystemctlResult(1, "", "Job for docker.service failed: " + p))
                    .orElse(SystemctlResult.ok(""));
        }
        @Override public String unitFile() {
            return "# /etc/systemd/system/docker.service (simulated)\n[Service]\nExecStart=/usr/bin/dockerd\n"
                    + "ExecReload=/bin/kill -s HUP $MAINPID\n";
        }

        private SystemctlResult jobResult(Optional<String> failure) {
            return failure.map(p -> new SystemctlResult(1, "", "Job for docker.service failed because the control process"
                    + " exited with error code.\nSee \"systemctl status docker.service\" and \"journalctl -xe\" for details."))
                    .orElse(SystemctlResult.ok(""));
        }
    }
}
