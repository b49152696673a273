package dev.calicodcos.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.agents.MesosAgentSource;
import dev.calicodcos.controller.agents.MesosWorkloadSource;
import dev.calicodcos.controller.artifacts.NodeArtifacts;
import dev.calicodcos.controller.fleet.MesosFleet;
import dev.calicodcos.controller.fleet.NodeAgentTaskFactory;
import dev.calicodcos.controller.maintenance.MesosMaintenanceSchedule;
import dev.calicodcos.controller.mesos.HttpMesosMaster;
import dev.calicodcos.controller.mesos.MasterClientConfig;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.SimulatedCluster;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TcpProxy;
import dev.calicodcos.testkit.FreePorts;
import dev.calicodcos.testkit.TempDirs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * The embedded default: a real etcd, a simulated DC/OS cluster whose agents run the real node
 * agent (the product jar) as Mesos tasks, and the controller, all on this machine. Used by the demo
 * jar ({@link DemoCommand}) and by the end-to-end tests.
 */
public final class DemoCluster implements AutoCloseable {
    public static final String PREFIX = ClusterKeys.DEFAULT_PREFIX;
    /** A system property: when true, closing leaves the work dir (host roots, task sandboxes and their logs) for a post-mortem. */
    public static final String KEEP_WORK_DIR = "calico.dcos.demo.keepWorkDir";

    /**
     * @param agents     the simulated agents ({@link #agentSpecs(int)} gives the demo's mix)
     * @param jar        the shaded jar the simulated agents fetch and run as node agents
     * @param runtime    the Java runtime tarball they fetch and run it on, as on DC/OS
     * @param httpPort   the controller's port (0: any free port)
     * @param agentPoll  how often the controller lists agents
     * @param goneGrace  how long an agent the master stops listing keeps its plan and slot
     * @param etcdLatency added each way between etcd and everything of the product (controllers, node
     *                    agents, their etcd proxies), through a {@link TcpProxy}: a slow etcd. Zero: none
     */
    public record Options(List<AgentSpec> agents, Path jar, Path runtime, int httpPort, Duration agentPoll, Duration resync,
                          Duration heartbeat, Duration agentRestartDelay, Duration goneGrace, Duration etcdLatency) {
        public Options {
            agents = List.copyOf(agents);
        }

        public Options(List<AgentSpec> agents, Path jar, Path runtime, int httpPort, Duration agentPoll, Duration resync,
                       Duration heartbeat, Duration agentRestartDelay, Duration goneGrace) {
            this(agents, jar, runtime, httpPort, agentPoll, resync, heartbeat, agentRestartDelay, goneGrace, Duration.ZERO);
        }

        /** The runtime tarball is the one beside the jar, found as the controller finds it. */
        public static Options defaults(int agents, Path jar) {
            return defaults(agents, jar, Optional.empty());
        }

        /**
         * @throws IllegalStateException with the one line to show, when there is no runtime tarball
         */
        public static Options defaults(int agents, Path jar, Optional<Path> runtime) {
            return new Options(agentSpecs(agents), jar, NodeArtifacts.findRuntime(runtime, jar, NodeArtifacts.release()), 0,
                    Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1));
        }

        public Options withAgents(List<AgentSpec> specs) {
            return new Options(specs, jar, runtime, httpPort, agentPoll, resync, heartbeat, agentRestartDelay, goneGrace, etcdLatency);
        }

        public Options withHttpPort(int port) {
            return new Options(agents, jar, runtime, port, agentPoll, resync, heartbeat, agentRestartDelay, goneGrace, etcdLatency);
        }

        public Options withGoneGrace(Duration grace) {
            return new Options(agents, jar, runtime, httpPort, agentPoll, resync, heartbeat, agentRestartDelay, grace, etcdLatency);
        }

        public Options withEtcdLatency(Duration latency) {
            return new Options(agents, jar, runtime, httpPort, agentPoll, resync, heartbeat, agentRestartDelay, goneGrace, latency);
        }
    }

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Path workDir;
    private final ClusterKeys keys = new ClusterKeys(PREFIX, ClusterKeys.DEFAULT_CLUSTER);
    private final EtcdServer etcd;
    /** What the product reaches etcd through: etcd itself, or with {@link Options#etcdLatency} a slow link to it. */
    private final String productEtcd;
    private final SimulatedCluster sim;
    private final List<Controller> controllers = new ArrayList<>();
    private final Options options;
    private final KvStore kv;
    private final SpecCodec codec = new SpecCodec();
    private NodeArtifacts artifacts;
    private final DemoDownloads downloads;

    private DemoCluster(Options options) throws IOException {
        this.options = options;
        artifacts = NodeArtifacts.of(options.jar(), options.runtime());
        workDir = Files.createTempDirectory("calico-dcos-demo");
        try {
            etcd = EtcdServer.start();
            parts.add(etcd);
            if (options.etcdLatency().isZero()) {
                productEtcd = etcd.endpoint();
            } else {
                TcpProxy slow = TcpProxy.to("127.0.0.1", etcd.clientPort());
                slow.setLatency(options.etcdLatency());
                parts.add(0, slow);
                productEtcd = "http://127.0.0.1:" + slow.port();
            }
            sim = SimulatedCluster.builder()
                    .agents(options.agents())
                    .heartbeatInterval(options.heartbeat())
                    .allocationInterval(Duration.ofMillis(200))
                    .statusUpdateRetry(Duration.ofSeconds(1))
                    .agentRestartDelay(options.agentRestartDelay())
                    .workDir(workDir.resolve("sim"))
                    .dockerImages(List.of("calico/node:v2.6.12", "calico/libnetwork-plugin:v1.1.3"))
                    .start();
            parts.add(0, sim);
            kv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(10));
            parts.add(0, kv);
            downloads = DemoDownloads.start(workDir.resolve("downloads"));
            parts.add(0, downloads);
            startController();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public static DemoCluster start(Options options) throws IOException {
        return new DemoCluster(options);
    }

    /**
     * Private agents and one public; the second runs Mesos 1.0 (CNI needs an agent restart), the third
     * Docker 20.10 (the cluster store needs a docker restart), the fourth Docker 24 (no cluster store).
     */
    public static List<AgentSpec> agentSpecs(int count) {
        List<AgentSpec> specs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String host = "10.0.0." + (10 + i);
            AgentSpec spec = i == count && count > 1 ? AgentSpec.publicAgent(host) : AgentSpec.privateAgent(host);
            if (i == 2) {
                spec = spec.withMesosVersion("1.0.3").withDcosVersion("1.8.8");
            }
            if (i == 3) {
                spec = spec.withDockerVersion("20.10.24");
            }
            if (i == 4) {
                spec = spec.withDockerVersion("24.0.7");
            }
            specs.add(spec);
        }
        return specs;
    }

    /** Starts a controller replica (the first one leads; more are standbys until it dies). */
    public synchronized Controller startController() throws IOException {
        int port = options.httpPort() == 0 || !controllers.isEmpty() ? FreePorts.next() : options.httpPort();
        ObjectMapper json = new ObjectMapper();
        OkHttpClient http = new OkHttpClient();
        MasterEndpoint master = MasterEndpoint.direct(sim.masterUrl().toString());
        List<String> nodeArgs = List.of("--etcd-endpoints", productEtcd, "--prefix", PREFIX, "--cluster", keys.cluster());
        // As in production: the node agents fetch the runtime and the jar from this controller and
        // run on that runtime, never on the simulator's own java.
        NodeAgentTaskFactory tasks = NodeAgentTaskFactory.servedBy("http://127.0.0.1:" + port, artifacts, nodeArgs, 0.2, 384,
                Map.of("CALICO_DCOS_LOG_LEVEL", "INFO"));
        MesosFleet fleet = new MesosFleet(http, master, keys, "calico-dcos-demo", "calico-dcos", Optional.empty(), tasks,
                Duration.ofSeconds(1), Clock.systemUTC());
        Controller.Settings settings = new Controller.Settings(keys, options.resync(), options.agentPoll(), options.goneGrace(),
                Duration.ofSeconds(3), "demo-" + controllers.size(), new InetSocketAddress("127.0.0.1", port), artifacts.all());
        HttpMesosMaster mesos = new HttpMesosMaster(http, MasterClientConfig.defaults(master), json);
        Controller controller = Controller.start(settings, EtcdClients.connect(EtcdOptions.plain(productEtcd)),
                new MesosAgentSource(mesos), new MesosWorkloadSource(mesos, "calico-dcos-demo"), new MesosMaintenanceSchedule(mesos, json),
                fleet.factory(),
                Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        controllers.add(controller);
        parts.add(0, controller);
        return controller;
    }

    /**
     * A new controller release rolled out as Marathon does it: every replica is replaced by one that
     * serves {@code jar} (same runtime), so the node agents are replaced by that version too.
     */
    public synchronized Controller upgradeTo(Path jar) throws IOException {
        artifacts = NodeArtifacts.of(jar, options.runtime());
        for (Controller old : controllers) {
            old.close();
            parts.remove(old);
        }
        controllers.clear();
        return startController();
    }

    /** The demo spec with this run's etcd and its downloads (served by the demo, pinned by SHA-256) filled in. */
    public String exampleSpec() throws IOException {
        DemoDownloads.Download etcdRelease = downloads.etcdRelease();
        DemoDownloads.Download calico = downloads.cniPlugin("calico");
        DemoDownloads.Download ipam = downloads.cniPlugin("calico-ipam");
        try (InputStream in = DemoCluster.class.getResourceAsStream("demo-cluster.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@ETCD@", productEtcd)
                    .replace("@ETCD_RELEASE_URL@", etcdRelease.url().toString())
                    .replace("@ETCD_RELEASE_SHA256@", etcdRelease.sha256())
                    .replace("@CALICO_URL@", calico.url().toString())
                    .replace("@CALICO_SHA256@", calico.sha256())
                    .replace("@CALICO_IPAM_URL@", ipam.url().toString())
                    .replace("@CALICO_IPAM_SHA256@", ipam.sha256());
        }
    }

    /** {@code spec} (the demo's, as {@link #exampleSpec} gives it) with calico/node's image set. */
    public static String withNodeImage(String spec, String image) {
        return spec + "  node:\n    image: \"" + image + "\"\n";
    }

    /** Writes the spec as a user would (compare-and-swap on the spec key). */
    public void apply(String yaml) {
        long current = kv.get(keys.spec()).map(Versioned::modRevision).orElse(0L);
        if (kv.putIfUnchanged(keys.spec(), yaml.getBytes(StandardCharsets.UTF_8), current).isEmpty()) {
            throw new IllegalStateException("the spec changed while the demo was writing it");
        }
    }

    public long specRevision() {
        return kv.get(keys.spec()).map(Versioned::modRevision).orElse(0L);
    }

    /** The status with every agent's row, as the CLI reads it. */
    public Optional<ClusterStatus> status() {
        return new ClusterStore(kv, new ClusterDocuments(keys, codec)).status();
    }

    /** etcd itself, for the CLI and the tests' own reads: never through {@link Options#etcdLatency}'s slow link. */
    public String etcdEndpoint() {
        return etcd.endpoint();
    }

    /** Stops etcd and starts it again on the same port and data, as a restarted etcd member looks to every client. */
    public void restartEtcd() {
        etcd.restart();
    }

    public ClusterKeys keys() {
        return keys;
    }

    public SimulatedCluster sim() {
        return sim;
    }

    public List<Controller> controllers() {
        return List.copyOf(controllers);
    }

    /** The replica that leads now, if any. */
    public Optional<Controller> leader() {
        return controllers.stream().filter(Controller::isLeader).findFirst();
    }

    public URI statusPage() {
        return URI.create("http://127.0.0.1:" + controllers.get(0).httpPort() + "/");
    }

    @Override
    public void close() {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
        if (Boolean.getBoolean(KEEP_WORK_DIR)) {
            System.err.println("demo work dir kept (-D" + KEEP_WORK_DIR + "): " + workDir);
        } else {
            TempDirs.deleteRecursively(workDir);
        }
    }
}
