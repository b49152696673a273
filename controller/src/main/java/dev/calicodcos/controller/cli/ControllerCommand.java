package dev.calicodcos.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.agents.MesosAgentSource;
import dev.calicodcos.controller.mesos.HttpMesosMaster;
import dev.calicodcos.controller.mesos.MasterClientConfig;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.reconcilers.etcd.EtcdClients;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
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

    @Option(names = "--resync", defaultValue = "30s", description = "Full reconcile at least this often (default ${DEFAULT-VALUE}).")
    String resync;

    @Option(names = "--agent-poll", defaultValue = "10s", description = "How often the agent list is read (default ${DEFAULT-VALUE}).")
    String agentPoll;

    @Option(names = "--gone-grace", defaultValue = "5m",
            description = "How long an agent the master stops listing keeps its plan and restart slot (default ${DEFAULT-VALUE}).")
    String goneGrace;

    @Option(names = "--lease-ttl", defaultValue = "10s", description = "Leader lease; a dead leader is replaced after this (default ${DEFAULT-VALUE}).")
    String leaseTtl;

    @Override
    public Integer call() throws Exception {
        Logging.forLongRunningCommand();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MasterEndpoint endpoint = adminRouter ? MasterEndpoint.adminRouter(mesosMaster) : MasterEndpoint.direct(mesosMaster);
        HttpMesosMaster master = new HttpMesosMaster(new OkHttpClient(), MasterClientConfig.defaults(endpoint), new ObjectMapper());
        Controller.Settings settings = new Controller.Settings(etcd.keys(), Durations.parse(resync), Durations.parse(agentPoll),
                Durations.parse(goneGrace), Durations.parse(leaseTtl), InetAddress.getLocalHost().getHostName() + ":" + httpPort,
                new InetSocketAddress(httpPort), ownJar());
        try (Controller controller = Controller.start(settings, EtcdClients.connect(etcd.etcd()), new MesosAgentSource(master),
                Clock.systemUTC(), registry)) {
            out().println("controller for calicocluster/" + etcd.cluster + " serving http://0.0.0.0:" + controller.httpPort() + "/");
            out().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return ExitCode.OK;
    }

    /** The jar this process runs from, served to Mesos for node-agent tasks. */
    static Optional<Path> ownJar() {
        try {
            Path path = Path.of(ControllerCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
