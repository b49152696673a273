package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.agents.MesosAgentSource;
import dev.calicodcos.controller.agents.MesosWorkloadSource;
import dev.calicodcos.controller.fleet.NodeAgentFleet;
import dev.calicodcos.controller.loop.ScriptedNodeAgents;
import dev.calicodcos.controller.mesos.HttpMesosMaster;
import dev.calicodcos.controller.mesos.MasterClientConfig;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.ClusterFaults;
import dev.calicodcos.sim.SimulatedCluster;
import dev.calicodcos.testkit.EtcdServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The controller against a real etcd and the simulated Mesos master, with scripted node agents that each
 * need a Docker restart: before it grants one, it looks up the agent's workloads in the master, and the
 * RestartGranted event says which running tasks the restart stops.
 */
@Tag("integration")
class WorkloadAwareRestartE2eTest {
    private static final String BUSY = "10.0.1.21";
    private static final String IDLE = "10.0.1.22";

    @Test
    void aDockerRestartGrantNamesTheDockerWorkloadsItStops() throws Exception {
        try (EtcdServer etcd = EtcdServer.start();
             SimulatedCluster cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent(BUSY), AgentSpec.privateAgent(IDLE)).start()) {
            cluster.faults().runWorkload(BUSY, "marathon", "web", ClusterFaults.Containerizer.DOCKER);
            cluster.faults().runWorkload(BUSY, "marathon", "api", ClusterFaults.Containerizer.DOCKER);
            cluster.faults().runWorkload(BUSY, "marathon", "cron", ClusterFaults.Containerizer.MESOS);
            ClusterKeys keys = new ClusterKeys("/t-" + UUID.randomUUID(), "default");
            HttpMesosMaster master = new HttpMesosMaster(new OkHttpClient(),
                    MasterClientConfig.defaults(MasterEndpoint.direct(cluster.masterUrl().toString())), new ObjectMapper());
            try (KvStore kv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
                 ScriptedNodeAgents nodeAgents = new ScriptedNodeAgents(kv, keys).start();
                 Controller controller = Controller.start(new Controller.Settings(keys, Duration.ofSeconds(2), Duration.ofMillis(200),
                                 Duration.ofSeconds(30), Duration.ofSeconds(2), "test", new InetSocketAddress("127.0.0.1", 0), List.of()),
                         EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), new MesosAgentSource(master),
                         new MesosWorkloadSource(master, "calico-dcos"), (store, leadership, registry) -> NodeAgentFleet.NONE,
                         Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                kv.putIfUnchanged(keys.spec(), """
                        apiVersion: calico-dcos.io/v1
                        kind: CalicoCluster
                        metadata:
                          name: default
                        """.getBytes(StandardCharsets.UTF_8), 0);
                ClusterStore store = new ClusterStore(kv, new ClusterDocuments(keys, new SpecCodec()));

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(store.status().orElse(ClusterStatus.empty()).isTrue(Condition.READY)).isTrue());

                ClusterStatus status = store.status().orElseThrow();
                assertThat(grant(status, cluster.agent(BUSY).id().getValue())).endsWith("; docker restart stops up to 2 running tasks"
                        + " of the Docker containerizer (2 of marathon: api, web) (live-restore not reported)");
                assertThat(grant(status, cluster.agent(IDLE).id().getValue())).endsWith("; no running workloads");
                assertThat(nodeAgents.restarts(cluster.agent(BUSY).id().getValue())).isEqualTo(1);
            }
        }
    }

    private static String grant(ClusterStatus status, String agentId) {
        String message = status.events().stream().filter(e -> e.reason().equals("RestartGranted") && agentId.equals(e.agentId()))
                .map(ClusterEvent::message).findFirst().orElseThrow();
        System.out.println("RestartGranted " + agentId + ": " + message);
        return message;
    }
}
