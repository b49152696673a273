package dev.calicodcos.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.agents.MesosAgentSource;
import dev.calicodcos.controller.agents.MesosWorkloadSource;
import dev.calicodcos.controller.artifacts.Artifact;
import dev.calicodcos.controller.artifacts.NodeArtifacts;
import dev.calicodcos.controller.dcos.DcosAuthInterceptor;
import dev.calicodcos.controller.dcos.DcosTokenProvider;
import dev.calicodcos.controller.dcos.IamLogin;
import dev.calicodcos.controller.dcos.ServiceAccount;
import dev.calicodcos.controller.fleet.MesosFleet;
import dev.calicodcos.controller.fleet.FleetFactory;
import dev.calicodcos.controller.fleet.NodeAgentFleet;
import dev.calicodcos.controller.fleet.NodeAgentTaskFactory;
import dev.calicodcos.controller.maintenance.MesosMaintenanceSchedule;
import dev.calicodcos.controller.mesos.HttpMesosMaster;
import dev.calicodcos.controller.mesos.MasterClientConfig;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.codec.Durations;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.calicodcos.controller.store.InitialSpec;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "controller", description = "Run the controller (one of possibly several replicas; the etcd election picks the leader).")
final class ControllerCommand extends EtcdCommand {

    @Option(names = "--mesos-master", defaultValue = "${env:CALICO_DCOS_MESOS_MASTER:-http://leader.mesos:5050}",
            description = "Mesos master URL (env CALICO_DCOS_MESOS_MASTER; default ${DEFAULT-VALUE}).")
    String mesosMaster;

    @Option(names = "--admin-router", description = "The master URL is DC/OS Admin Router (paths under /mesos/).")
    boolean adminRouter;

    @Option(names = "--http-port", defaultValue = "${env:PORT0:-8080}", description = "HTTP port (env PORT0; default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-address", defaultValue = "0.0.0.0",
            description = "Address the HTTP server binds (default ${DEFAULT-VALUE}: every interface, since node agents on other"
                    + " agents fetch the jar from it; 127.0.0.1 behind a proxy that serves the artifacts). Everything served is read-only.")
    String httpAddress;

    @Option(names = "--advertise-url", defaultValue = "${env:CALICO_DCOS_ADVERTISE_URL}",
            description = "How agents reach this controller's HTTP server (for the jar); default http://$HOST:<http-port>.")
    String advertiseUrl;

    @Option(names = "--resync", defaultValue = "30s", description = "Full reconcile at least this often (default ${DEFAULT-VALUE}).")
    String resync;

    @Option(names = "--agent-poll", defaultValue = "10s", description = "How often the agent list is read (default ${DEFAULT-VALUE}).")
    String agentPoll;

    @Option(names = "--self-host", defaultValue = "${env:HOST}",
            description = "Host name of the Mesos agent this controller runs on, rolled last so that its own restart comes when "
                    + "nothing else needs it (default: Marathon's HOST).")
    String selfHost;

    @Option(names = "--gone-grace", defaultValue = "15m",
            description = "How long an agent the master stops listing keeps its plan and restart slot (default ${DEFAULT-VALUE}: longer"
                    + " than the Mesos master's 10-minute agent re-registration window after a failover); longer while its node"
                    + " agent still reports the restart it was granted under way.")
    String goneGrace;

    @Option(names = "--lease-ttl", defaultValue = "10s", description = "Leader lease; a dead leader is replaced after this (default ${DEFAULT-VALUE}).")
    String leaseTtl;

    @Option(names = "--no-node-agents", description = "Do not launch node agents through Mesos (they run as systemd units).")
    boolean noNodeAgents;

    @Option(names = "--framework-name", defaultValue = "calico-dcos", description = "Mesos framework name (default ${DEFAULT-VALUE}).")
    String frameworkName;

    @Option(names = "--framework-role", defaultValue = "calico-dcos",
            description = "Mesos role for private agents' resources; slave_public is always added (default ${DEFAULT-VALUE}).")
    String frameworkRole;

    @Option(names = "--node-runtime", defaultValue = "${env:CALICO_DCOS_NODE_RUNTIME}",
            description = {"The Java runtime tarball served to node-agent tasks (env CALICO_DCOS_NODE_RUNTIME);",
                    "default: the calico-dcos-runtime-*-linux-x64.tar.gz beside this jar. Agents' own Java is never used."})
    Path nodeRuntime;

    @Option(names = "--node-cpus", defaultValue = "0.2", description = "CPUs of each node-agent task (default ${DEFAULT-VALUE}).")
    double nodeCpus;

    @Option(names = "--node-mem", defaultValue = "384", description = "Memory (MiB) of each node-agent task (default ${DEFAULT-VALUE}).")
    double nodeMem;

    @Option(names = "--node-etcd-endpoints", defaultValue = "${env:CALICO_DCOS_NODE_ETCD_ENDPOINTS}",
            description = "etcd as node agents reach it, with its TLS files at the same paths on every agent (default: --etcd-endpoints).")
    String nodeEtcdEndpoints;

    @Option(names = "--node-etcd-cert", paramLabel = "FILE", defaultValue = "${env:CALICO_DCOS_NODE_ETCD_CERT}",
            description = {"The node agents' own etcd client certificate, at this path on every agent (default: --etcd-cert).",
                    "Its common name is their etcd user: give it a role that may read the cluster and write only reports (docs/operations.md 2.1)."})
    Path nodeEtcdCert;

    @Option(names = "--node-etcd-key", paramLabel = "FILE", defaultValue = "${env:CALICO_DCOS_NODE_ETCD_KEY}",
            description = "The key of --node-etcd-cert, PKCS#8 PEM, at this path on every agent.")
    Path nodeEtcdKey;

    @Option(names = "--dcos-url", defaultValue = "${env:CALICO_DCOS_DCOS_URL:-https://leader.mesos}",
            description = "DC/OS base URL for service-account login (default ${DEFAULT-VALUE}).")
    String dcosUrl;

    @Option(names = "--dcos-cacert", defaultValue = "${env:CALICO_DCOS_DCOS_CACERT}",
            description = "CA bundle (PEM) for HTTPS to DC/OS and the Mesos master (strict mode: the cluster CA, dcos-ca.crt).")
    Path dcosCaCert;

    @Option(names = "--initial-spec-env", defaultValue = "CALICO_DCOS_INITIAL_SPEC",
            description = "Environment variable with a spec to store when none is stored yet (the Universe package's options); never overwrites.")
    String initialSpecEnv;

    @Option(names = "--service-account-env", defaultValue = "DCOS_SERVICE_ACCOUNT_CREDENTIAL",
            description = "Environment variable holding the service-account credential JSON (a Marathon secret); unset: no login.")
    String serviceAccountEnv;

    @Override
    public Integer call() throws Exception {
        Optional<Path> jar = JarLocation.of(ControllerCommand.class); // served to Mesos for node-agent tasks
        Optional<NodeArtifacts> nodeArtifacts = noNodeAgents ? Optional.empty() : Optional.of(nodeArtifacts(jar));
        Logging.forLongRunningCommand();
        storeInitialSpec();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ObjectMapper json = new ObjectMapper();
        MasterEndpoint endpoint = adminRouter ? MasterEndpoint.adminRouter(mesosMaster) : MasterEndpoint.direct(mesosMaster);
        OkHttpClient http = httpClient(json);
        Optional<String> principal = serviceAccount(json).map(ServiceAccount::uid);
        HttpMesosMaster master = new HttpMesosMaster(http, MasterClientConfig.defaults(endpoint), json);
        String advertise = advertiseUrl != null ? advertiseUrl
                : "http://" + Optional.ofNullable(System.getenv("HOST")).orElse(InetAddress.getLocalHost().getHostName()) + ":" + httpPort;
        FleetFactory fleets = nodeArtifacts.isEmpty() ? (kv, leadership, metrics) -> NodeAgentFleet.NONE
                : new MesosFleet(http, endpoint, etcd.keys(), frameworkName, frameworkRole, principal,
                        NodeAgentTaskFactory.servedBy(advertise, nodeArtifacts.get(), nodeArgs(), nodeCpus, nodeMem, Map.of()),
                        Duration.ofSeconds(5), Clock.systemUTC()).factory();
        List<Artifact> served = nodeArtifacts.map(NodeArtifacts::all).orElseGet(() -> forManualInstalls(jar));
        Controller.Settings settings = new Controller.Settings(etcd.keys(), Durations.parse(resync), Durations.parse(agentPoll),
                Durations.parse(goneGrace), Durations.parse(leaseTtl), advertise, new InetSocketAddress(httpAddress, httpPort), served,
                Optional.ofNullable(selfHost).filter(h -> !h.isBlank()));
        try (Controller controller = Controller.start(settings, EtcdClients.connect(etcd.etcd()), new MesosAgentSource(master),
                new MesosWorkloadSource(master, frameworkName), new MesosMaintenanceSchedule(master, json), fleets, Clock.systemUTC(),
                registry)) {
            out().println("controller for calicocluster/" + etcd.cluster + " serving http://" + httpAddress + ":" + controller.httpPort() + "/");
            out().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return ExitCode.OK;
    }

    /** The node command's options: the same etcd and keys as ours, unless node agents reach etcd differently. */
    List<String> nodeArgs() {
        List<String> args = new ArrayList<>(List.of("--etcd-endpoints", nodeEtcdEndpoints != null ? nodeEtcdEndpoints : etcd.endpoints,
                "--prefix", etcd.prefix, "--cluster", etcd.cluster));
        EtcdOptions options = etcd.etcd();
        options.caCert().ifPresent(ca -> args.addAll(List.of("--etcd-cacert", ca.toString())));
        if (given(nodeEtcdCert) != given(nodeEtcdKey)) {
            throw new IllegalArgumentException("--node-etcd-cert and --node-etcd-key must be given together");
        }
        if (given(nodeEtcdCert)) { // the node agents' own identity, with the least privilege
            args.addAll(List.of("--etcd-cert", nodeEtcdCert.toString(), "--etcd-key", nodeEtcdKey.toString()));
        } else {
            options.cert().ifPresent(cert -> args.addAll(List.of("--etcd-cert", cert.toString(), "--etcd-key", options.key().orElseThrow().toString())));
        }
        return args;
    }

    private static boolean given(Path path) {
        return path != null && !path.toString().isBlank();
    }

    /** The package's initial spec: stored only when no spec is stored yet, and only if valid. */
    private void storeInitialSpec() {
        String initial = System.getenv(initialSpecEnv);
        if (initial == null || initial.isBlank()) {
            return;
        }
        try (KvStore kv = connect()) {
            InitialSpec.Outcome outcome = InitialSpec.store(kv, etcd.prefix, app.reader, initial.getBytes(StandardCharsets.UTF_8));
            if (outcome instanceof InitialSpec.Outcome.Invalid invalid) {
                invalid.problems().forEach(p -> err().println(p.format("$" + initialSpecEnv)));
                err().println("warning: the initial spec is invalid and was not stored");
            } else if (outcome instanceof InitialSpec.Outcome.Stored stored) {
                out().println("stored the initial spec for calicocluster/" + stored.cluster());
            } else {
                out().println("a spec is already stored; the initial spec is ignored");
            }
            out().flush();
            err().flush();
        }
    }

    private OkHttpClient httpClient(ObjectMapper json) throws IOException, GeneralSecurityException {
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        if (dcosCaCert != null && !dcosCaCert.toString().isBlank()) {
            TrustedCa ca = TrustedCa.fromPem(dcosCaCert);
            builder.sslSocketFactory(ca.socketFactory(), ca.trustManager());
        }
        OkHttpClient plain = builder.build();
        return serviceAccount(json).map(account -> plain.newBuilder()
                        .addInterceptor(new DcosAuthInterceptor(new DcosTokenProvider(
                                new IamLogin(plain, HttpUrl.get(dcosUrl), account, Clock.systemUTC(), json), Clock.systemUTC(), Duration.ofSeconds(30))))
                        .build())
                .orElse(plain);
    }

    private Optional<ServiceAccount> serviceAccount(ObjectMapper json) {
        String credential = System.getenv(serviceAccountEnv);
        return credential == null || credential.isBlank() ? Optional.empty()
                : Optional.of(ServiceAccount.fromCredentialJson(credential.getBytes(StandardCharsets.UTF_8), json));
    }

    /** Without node agents, what there is is still served: the jar, and the runtime when found. */
    private List<Artifact> forManualInstalls(Optional<Path> jar) {
        if (jar.isEmpty()) {
            return List.of();
        }
        try {
            return nodeArtifacts(jar).all();
        } catch (IllegalStateException noRuntime) {
            return List.of(Artifact.of(jar.get(), NodeArtifacts.JAR_NAME));
        }
    }

    /** The jar and the runtime tarball node-agent tasks fetch; refuses to go on without either. */
    private NodeArtifacts nodeArtifacts(Optional<Path> jar) {
        if (jar.isEmpty()) {
            throw new IllegalStateException("node agents run the jar this controller runs from, but it does not run from a jar"
                    + " (java -jar calico-dcos.jar controller); or run with --no-node-agents");
        }
        Optional<Path> explicit = Optional.ofNullable(nodeRuntime).filter(p -> !p.toString().isBlank());
        return NodeArtifacts.of(jar.get(), NodeArtifacts.findRuntime(explicit, jar.get(), NodeArtifacts.release()));
    }
}
