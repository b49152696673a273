package dev.calicodcos.controller;

import dev.calicodcos.controller.agents.AgentSource;
import dev.calicodcos.controller.artifacts.Artifact;
import dev.calicodcos.controller.agents.PolledAgents;
import dev.calicodcos.controller.agents.WorkloadCache;
import dev.calicodcos.controller.agents.WorkloadSource;
import dev.calicodcos.controller.election.EtcdLeaderElection;
import dev.calicodcos.controller.fleet.FleetFactory;
import dev.calicodcos.controller.fleet.NodeAgentFleet;
import dev.calicodcos.controller.health.Readiness;
import dev.calicodcos.controller.http.ControllerHttpServer;
import dev.calicodcos.controller.http.RolloutTimeline;
import dev.calicodcos.controller.loop.ClusterReconciler;
import dev.calicodcos.controller.maintenance.MaintenanceDrains;
import dev.calicodcos.controller.maintenance.MaintenanceSchedule;
import dev.calicodcos.controller.loop.PassResult;
import dev.calicodcos.controller.loop.ReconcileLoop;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.controller.store.ClusterView;
import dev.calicodcos.controller.store.MeteredKvStore;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.ClusterStatus;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The controller process, wired: election, watches, agent poll and reconcile loop for one cluster,
 * plus its HTTP server. Every replica runs all of it; only the elected leader's passes write.
 */
public final class Controller implements AutoCloseable {

    /**
     * @param goneGracePeriod how long an agent the master stops listing keeps its plan and restart slot
     * @param identity        what this replica writes into the election (host:port), for people reading etcd
     * @param artifacts       the files its HTTP server serves to node agents (the jar, the Java runtime)
     * @param selfHost        the host name of the agent this replica runs on, when it runs on one (rolled last)
     */
    public record Settings(ClusterKeys keys, Duration resync, Duration agentPoll, Duration goneGracePeriod,
                           Duration leaseTtl, String identity, InetSocketAddress http, List<Artifact> artifacts,
                           Optional<String> selfHost) {
        public Settings {
            artifacts = List.copyOf(artifacts);
        }

        public Settings(ClusterKeys keys, Duration resync, Duration agentPoll, Duration goneGracePeriod,
                        Duration leaseTtl, String identity, InetSocketAddress http, List<Artifact> artifacts) {
            this(keys, resync, agentPoll, goneGracePeriod, leaseTtl, identity, http, artifacts, Optional.empty());
        }
    }

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final EtcdLeaderElection election;
    private final ControllerHttpServer http;
    /** The last pass's result, for the gauges; null before the first pass. */
    private volatile PassResult lastPass;

    private Controller(Settings settings, Client etcd, AgentSource agentSource, WorkloadSource workloads, MaintenanceSchedule maintenance,
                       FleetFactory fleets, Clock clock, PrometheusMeterRegistry registry) {
        SpecCodec codec = new SpecCodec();
        KvStore kv = new MeteredKvStore(new EtcdKvStore(etcd, Duration.ofSeconds(10)), registry);
        ClusterStore store = new ClusterStore(kv, new ClusterDocuments(settings.keys(), codec));
        election = new EtcdLeaderElection(etcd, settings.keys().election(), settings.identity(), settings.leaseTtl());
        NodeAgentFleet fleet = fleets.create(kv, election, registry);
        PolledAgents agents = new PolledAgents(agentSource);
        RolloutTimeline timeline = new RolloutTimeline(clock);
        // The loop's own trigger is what every source of change calls, so the view (which the pass
        // reads) is made with a trigger that reaches the loop through this controller.
        ClusterView view = new ClusterView(store, this::trigger);
        ClusterReconciler reconciler = new ClusterReconciler(store, view, codec, agents, clock, settings.goneGracePeriod(),
                settings.selfHost(), new WorkloadCache(workloads, WorkloadCache.REFRESH),
                Optional.of(new MaintenanceDrains(maintenance, kv, settings.keys().drainedMachines(), codec.json())), fleet::problem);
        loop = new ReconcileLoop(reconciler, election, settings.resync(), registry, pass -> {
            lastPass = pass;
            fleet.setDesired(pass.plannedAgents());
            timeline.record(pass.status());
        });
        registerGauges(registry);
        try {
            Readiness readiness = new Readiness(kv, fleet, this::isLeader, clock);
            http = new ControllerHttpServer(settings.http(), settings.keys().cluster(), () -> servedStatus(view, readiness, clock),
                    timeline::points, readiness::problems, registry, codec.json(), settings.artifacts());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on " + settings.http() + ": " + e.getMessage(), e);
        }
        // Close in reverse order of start.
        parts.addAll(List.of(http, view, election, fleet, loop, agents, kv));
        http.start();
        agents.start(settings.agentPoll(), this::trigger);
        election.start(() -> {
            if (isLeader()) {
                fleet.lead();
            } else {
                fleet.standDown();
            }
            trigger();
        });
        view.start();
    }

    /** A controller whose restart grants do not name workloads (their events say none were looked up). */
    public static Controller start(Settings settings, Client etcd, AgentSource agents, FleetFactory fleets, Clock clock,
                                   PrometheusMeterRegistry registry) {
        return start(settings, etcd, agents, WorkloadSource.NONE, fleets, clock, registry);
    }

    /** @param workloads the other frameworks' tasks on the agents, looked up while an agent waits for a disruptive restart */
    public static Controller start(Settings settings, Client etcd, AgentSource agents, WorkloadSource workloads, FleetFactory fleets,
                                   Clock clock, PrometheusMeterRegistry registry) {
        return start(settings, etcd, agents, workloads, MaintenanceSchedule.NONE, fleets, clock, registry);
    }

    /** @param maintenance the master's maintenance schedule, where {@code rollout.drain} puts the machines it drains */
    public static Controller start(Settings settings, Client etcd, AgentSource agents, WorkloadSource workloads,
                                   MaintenanceSchedule maintenance, FleetFactory fleets, Clock clock, PrometheusMeterRegistry registry) {
        return new Controller(settings, etcd, agents, workloads, maintenance, fleets, clock, registry);
    }

    private final ReconcileLoop loop;

    private void trigger() {
        loop.trigger();
    }

    public boolean isLeader() {
        return election.isLeader();
    }

    public int httpPort() {
        return http.port();
    }

    private void registerGauges(PrometheusMeterRegistry registry) {
        for (AgentPhase phase : AgentPhase.values()) {
            Gauge.builder("calico_dcos_agents", this, c -> c.lastStatus().agentCounts().getOrDefault(phase, 0))
                    .description("Selected agents by phase").tag("phase", phase.name().toLowerCase()).register(registry);
        }
        Gauge.builder("calico_dcos_restarts_in_flight", this, c -> c.lastStatus().rollout().grantsInFlight())
                .description("Agents holding a restart grant").register(registry);
        Gauge.builder("calico_dcos_leader", this, c -> c.isLeader() ? 1 : 0).description("1 on the leader").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("calico_dcos_process_cpu_seconds", ManagementFactory.getOperatingSystemMXBean(),
                        os -> os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN)
                .description("CPU time used by this process").register(registry);
        Gauge.builder("calico_dcos_heap_peak_bytes", () -> ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(pool -> pool.getType() == MemoryType.HEAP).mapToLong(pool -> pool.getPeakUsage().getUsed()).sum())
                .description("Peak heap used since start, summed over heap pools").register(registry);
    }

    private ClusterStatus lastStatus() {
        PassResult pass = lastPass;
        return pass == null ? ClusterStatus.empty() : pass.status();
    }

    /** The status as the view last saw it: the leader's own, and on a standby the leader's, without an etcd read. */
    private static ClusterStatus currentStatus(ClusterView view) {
        try {
            return view.status();
        } catch (StoreException e) {
            return ClusterStatus.empty(); // not read from etcd yet
        }
    }

    /**
     * The status served over HTTP, with this replica's own readiness: a leader that cannot write
     * (an etcd alarm) cannot store why, so the status page and API say it from here.
     */
    private static ClusterStatus servedStatus(ClusterView view, Readiness readiness, Clock clock) {
        ClusterStatus stored = currentStatus(view);
        return Readiness.withCondition(stored, readiness.problems(), stored, clock.instant());
    }

    @Override
    public void close() {
        for (int i = 0; i < parts.size(); i++) {
            try {
                parts.get(i).close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
    }
}
