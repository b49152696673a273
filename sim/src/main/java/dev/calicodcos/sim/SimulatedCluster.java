package dev.calicodcos.sim;

import dev.calicodcos.sim.admin.AdminHttpServer;
import dev.calicodcos.sim.agent.HostRoot;
import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.sim.auth.IamService;
import dev.calicodcos.sim.docker.Registry;
import dev.calicodcos.sim.master.Leadership;
import dev.calicodcos.sim.master.Master;
import dev.calicodcos.sim.master.MasterFaults;
import dev.calicodcos.sim.master.MasterHttpServer;
import dev.calicodcos.sim.master.OfferCounts;
import dev.calicodcos.sim.process.Containment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated DC/OS cluster: a leading Mesos master (plus an optional standby that redirects), agents
 * that run launched tasks as local processes in their own host roots, and fault injection.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.builder()
 *         .agents(AgentSpec.privateAgent("10.0.1.21"), AgentSpec.publicAgent("10.0.5.10"))
 *         .heartbeatInterval(Duration.ofMillis(500))
 *         .start()) {
 *     URI master = cluster.masterUrl();
 *     Path root = cluster.hostRoot("10.0.1.21");
 *     cluster.faults().restartAgent("10.0.1.21");
 * }
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {
    private final Builder config;
    private final Path workDir;
    private final boolean deleteWorkDir;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpExecutor;
    private final Leadership leadership = new Leadership();
    private final MasterFaults masterFaults = new MasterFaults();
    private final Master master;
    private final MasterHttpServer leaderServer;
    private final Optional<MasterHttpServer> standbyServer;
    private final Optional<IamService> iam;
    private final AdminHttpServer admin;
    private final Agents agents = new Agents();
    private final Containment containment;
    private final LoopbackAddresses loopbacks = new LoopbackAddresses(new java.security.SecureRandom());
    private final Registry registry = Registry.standard();
    private final ClusterFaults faults = new Faults();
    private final Thread shutdownHook = new Thread(this::stopEverything, "sim-shutdown");
    private volatile MasterHttpServer leading;
    private volatile boolean closed;

    private SimulatedCluster(Builder config) throws IOException {
        this.config = config;
        this.clock = config.clock;
        this.deleteWorkDir = config.workDir == null;
        this.workDir = config.workDir != null ? Files.createDirectories(config.workDir)
                : Files.createTempDirectory("calico-dcos-sim-");
        this.scheduler = Executors.newScheduledThreadPool(4, daemon("sim-timer"));
        this.containment = Containment.probe(workDir.resolve("containers"));
        this.httpExecutor = Executors.newCachedThreadPool(daemon("sim-http"));
        this.iam = config.serviceAccounts == null ? Optional.empty()
                : Optional.of(new IamService(config.serviceAccounts, config.tokenLifetime, clock));
        // the master must know its own port for MasterInfo, so bind first and hand the address over
        java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        int port = probe.getLocalPort();
        probe.close();
        this.master = new Master(clock, scheduler, config.heartbeatInterval, config.allocationInterval,
                new Master.MasterAddress("127.0.0.1", port), masterFaults);
        long start = clock.millis();
        this.leaderServer = new MasterHttpServer(new InetSocketAddress("127.0.0.1", port), master, leadership, iam,
                httpExecutor, start);
        this.standbyServer = config.standbyMaster
                ? Optional.of(new MasterHttpServer(new InetSocketAddress("127.0.0.1", 0), master, leadership, iam, httpExecutor, start))
                : Optional.empty();
        this.leading = leaderServer;
        leadership.elect(leaderServer.hostPort());
        this.admin = new AdminHttpServer(httpExecutor, agents::find, agents::all, () -> faults);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            for (AgentSpec spec : config.agents) {
                addAgent(spec);
            }
        } catch (RuntimeException e) {
            close();                  // never leave servers or processes behind a failed start
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** URL of the leading master, e.g. {@code http://127.0.0.1:40123}. */
    public URI masterUrl() {
        return leading.url();
    }

    /** URL of the non-leading master (answers 307 to the leader), when configured. */
    public Optional<URI> standbyMasterUrl() {
        MasterHttpServer current = leading;
        return standbyServer.map(s -> s == current ? leaderServer.url() : s.url());
    }

    /** Loopback admin endpoint (fault injection over HTTP, backend of the fake systemctl). */
    public URI adminUrl() {
        return URI.create("http://127.0.0.1:" + admin.port());
    }

    public List<SimAgent> agents() {
        return agents.all();
    }

    /** Agent by hostname or agent ID. */
    public SimAgent agent(String hostnameOrId) {
        return findAgent(hostnameOrId).orElseThrow(() -> new IllegalArgumentException("no agent " + hostnameOrId));
    }

    public Path hostRoot(String hostnameOrId) {
        return agent(hostnameOrId).hostRoot().root();
    }

    public Path workDir() {
        return workDir;
    }

    /** Whether tasks and services run in their own PID namespaces here (else: process-tree tracking, see the log). */
    public boolean pidNamespaces() {
        return containment.pidNamespaces();
    }

    public ClusterFaults faults() {
        return faults;
    }

    /** Offers the leading master made and what became of them; SUPPRESS, REVIVE and DECLINE calls it received. */
    public OfferCounts offerCounts() {
        return master.offerCounts();
    }

    private Optional<SimAgent> findAgent(String key) {
        return agents.find(key);
    }

    private SimAgent addAgent(AgentSpec spec) {
        SimAgent agent = new SimAgent(spec, workDir.resolve("agents").resolve(spec.hostname()), master,
                new SimAgent.Settings(config.statusUpdateRetry, config.agentRestartDelay, admin.port(), config.dockerImages,
                        registry, containment), clock, scheduler, httpExecutor, loopbacks.next());
        agents.add(agent);
        agents.registered(agent, agent.start());
        return agent;
    }

    /** The agents in the order they were added, found by hostname or agent ID in constant time (10,000 agents). */
    private static final class Agents {
        private final Map<String, SimAgent> byHostname = new LinkedHashMap<>();
        private final Map<String, SimAgent> byId = new java.util.HashMap<>();

        synchronized void add(SimAgent agent) {
            if (byHostname.putIfAbsent(agent.spec().hostname(), agent) != null) {
                throw new IllegalArgumentException("duplicate agent hostname " + agent.spec().hostname());
            }
        }

        synchronized void registered(SimAgent agent, org.apache.mesos.v1.Protos.AgentID id) {
            byId.put(id.getValue(), agent);
        }

        synchronized void remove(SimAgent agent) {
            byHostname.remove(agent.spec().hostname());
            if (agent.id() != null) {
                byId.remove(agent.id().getValue());
            }
        }

        synchronized Optional<SimAgent> find(String hostnameOrId) {
            SimAgent agent = byHostname.get(hostnameOrId);
            return Optional.ofNullable(agent != null ? agent : byId.get(hostnameOrId));
        }

        synchronized List<SimAgent> all() {
            return List.copyOf(byHostname.values());
        }
    }

    @Override
    public void close() {
        stopEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
        if (deleteWorkDir) {
            deleteQuietly(workDir);
        }
    }

    private synchronized void stopEverything() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close();
        master.closeAllStreams();
        leaderServer.close();
        standbyServer.ifPresent(MasterHttpServer::close);
        agents.all().forEach(SimAgent::close);
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
    }

    /** Best effort, and tolerant of files vanishing meanwhile: a temp dir left behind is harmless. */
    private static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    file.toFile().delete();
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) {
                    d.toFile().delete();
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private final class Faults implements ClusterFaults {
        @Override
        public SimAgent addAgent(AgentSpec spec) {
            return SimulatedCluster.this.addAgent(spec);
        }

        @Override
        public boolean removeAgent(String key) {
            Optional<SimAgent> agent = findAgent(key);
            agent.ifPresent(a -> {
                agents.remove(a);
                master.removeAgent(a.id());
                a.close();
            });
            return agent.isPresent();
        }

        @Override
        public boolean disconnectAgent(String key) {
            findAgent(key).ifPresent(SimAgent::disconnect);
            return findAgent(key).isPresent();
        }

        @Override
        public boolean reconnectAgent(String key) {
            findAgent(key).ifPresent(SimAgent::reconnect);
            return findAgent(key).isPresent();
        }

        @Override
        public boolean partitionAgent(String key) {
            findAgent(key).ifPresent(SimAgent::partition);
            return findAgent(key).isPresent();
        }

        @Override
        public boolean healAgent(String key) {
            findAgent(key).ifPresent(SimAgent::heal);
            return findAgent(key).isPresent();
        }

        @Override
        public boolean restartAgent(String key) {
            Optional<SimAgent> agent = findAgent(key);
            agent.ifPresent(a -> a.systemctl().run(List.of("restart", a.spec().agentUnit())));
            return agent.isPresent();
        }

        @Override
        public boolean agentFailsToRegister(String key, boolean failing) {
            Optional<SimAgent> agent = findAgent(key);
            agent.ifPresent(a -> a.failToRegister(failing));
            return agent.isPresent();
        }

        @Override
        public void failoverMaster() {
            master.failover();
            if (standbyServer.isPresent()) {
                leading = leading == leaderServer ? standbyServer.get() : leaderServer;
                leadership.elect(leading.hostPort());
            }
        }

        @Override
        public void noLeader() {
            leadership.noLeader();
        }

        @Override
        public void restoreLeader() {
            leadership.elect(leading.hostPort());
        }

        @Override
        public void masterRecovering(boolean recovering) {
            leadership.recovering(recovering);
        }

        @Override
        public boolean failTask(String taskId) {
            return agents.all().stream().anyMatch(a -> a.signalTask(taskId, true));
        }

        @Override
        public boolean terminateTask(String taskId) {
            return agents.all().stream().anyMatch(a -> a.signalTask(taskId, false));
        }

        @Override
        public void dropNextStatusUpdate(String taskId) {
            masterFaults.dropNextStatusUpdate(taskId);
        }

        @Override
        public void duplicateNextStatusUpdate(String taskId) {
            masterFaults.duplicateNextStatusUpdate(taskId);
        }

        @Override
        public void stallEventStreams(boolean stall) {
            master.stallStreams(stall);
        }

        @Override
        public boolean dockerRefusesConfig(String key, String configKey, String message) {
            Optional<SimAgent> agent = findAgent(key);
            agent.ifPresent(a -> a.docker().refuseConfig(configKey, message));
            return agent.isPresent();
        }

        @Override
        public boolean clearDockerRefusal(String key) {
            Optional<SimAgent> agent = findAgent(key);
            agent.ifPresent(a -> a.docker().acceptConfig());
            return agent.isPresent();
        }

        @Override
        public boolean failImagePulls(String key, boolean failing) {
            Optional<SimAgent> agent = findAgent(key);
            agent.ifPresent(a -> a.docker().failPulls(failing));
            return agent.isPresent();
        }

        @Override
        public String runWorkload(String key, String framework, String taskName, Containerizer containerizer, boolean honoursMaintenance) {
            SimAgent agent = findAgent(key).orElseThrow(() -> new IllegalArgumentException("no agent " + key));
            return master.runWorkload(agent.id(), framework, taskName, containerizer == Containerizer.DOCKER
                    ? org.apache.mesos.v1.Protos.ContainerInfo.Type.DOCKER : org.apache.mesos.v1.Protos.ContainerInfo.Type.MESOS,
                    honoursMaintenance);
        }

        @Override
        public boolean stopWorkload(String taskId) {
            return master.stopWorkload(taskId);
        }
    }

    /** Configuration; every value has a default that matches a real cluster where one exists. */
    public static final class Builder {
        private final List<AgentSpec> agents = new ArrayList<>();
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration allocationInterval = Duration.ofSeconds(1);
        private Duration statusUpdateRetry = Duration.ofSeconds(10);
        private Duration agentRestartDelay = Duration.ofSeconds(5);
        private Duration tokenLifetime = Duration.ofDays(5);
        private Map<String, PublicKey> serviceAccounts;
        private boolean standbyMaster;
        private Path workDir;
        private Clock clock = Clock.systemUTC();
        private List<String> dockerImages = List.of("busybox:latest");

        private Builder() {}

        public Builder agents(AgentSpec... specs) {
            agents.addAll(List.of(specs));
            return this;
        }

        public Builder agents(List<AgentSpec> specs) {
            agents.addAll(specs);
            return this;
        }

        /** Master heartbeat interval (real masters: 15 s, not configurable). */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /** Allocation batch interval (Mesos default 1 s). */
        public Builder allocationInterval(Duration interval) {
            this.allocationInterval = interval;
            return this;
        }

        /** First resend delay of unacknowledged status updates (Mesos: 10 s, doubling to 10 min). */
        public Builder statusUpdateRetry(Duration retry) {
            this.statusUpdateRetry = retry;
            return this;
        }

        /** How long {@code systemctl restart dcos-mesos-slave} keeps the agent away. */
        public Builder agentRestartDelay(Duration delay) {
            this.agentRestartDelay = delay;
            return this;
        }

        /** DC/OS mode: IAM login and {@code Authorization: token=} on every master endpoint. */
        public Builder dcosMode(Map<String, PublicKey> serviceAccounts) {
            this.serviceAccounts = Map.copyOf(serviceAccounts);
            return this;
        }

        public Builder dcosMode(String uid, PublicKey publicKey) {
            return dcosMode(Map.of(uid, publicKey));
        }

        /** Lifetime of the DC/OS authentication tokens the IAM hands out (DC/OS: 5 days). */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /** Adds a non-leading master that answers 307 to the leader; failover then swaps the two. */
        public Builder standbyMaster(boolean standby) {
            this.standbyMaster = standby;
            return this;
        }

        /** Where sandboxes and host roots live; default: a temporary folder deleted on close. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Images present in every agent's Docker fake from the start. */
        public Builder dockerImages(List<String> images) {
            this.dockerImages = List.copyOf(images);
            return this;
        }

        public SimulatedCluster start() throws IOException {
            return new SimulatedCluster(this);
        }
    }

    /** Host roots by hostname, for callers that want them all. */
    public Map<String, Path> hostRoots() {
        Map<String, Path> out = new LinkedHashMap<>();
        agents.all().forEach(a -> out.put(a.spec().hostname(), a.hostRoot().root()));
        return out;
    }

    static String systemctlLog() {
        return HostRoot.SYSTEMCTL_LOG;
    }
}
