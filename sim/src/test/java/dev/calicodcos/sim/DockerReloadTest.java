package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How a reload of the fake dockerd treats a changed cluster-store, per Docker version. */
@Tag("integration")
class DockerReloadTest {

    private static String info(SimulatedCluster cluster, String host) throws Exception {
        String base = cluster.agent(host).docker().dockerHost().replace("tcp://", "http://");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/info")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void docker18AppliesANewClusterStoreOnReloadWhileDocker20NeedsARestart() throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.builder()
                .agents(AgentSpec.privateAgent("10.0.1.18"), AgentSpec.privateAgent("10.0.1.20").withDockerVersion("20.10.24"))
                .heartbeatInterval(Duration.ofSeconds(1)).start()) {
            for (String host : List.of("10.0.1.18", "10.0.1.20")) {
                Files.writeString(cluster.agent(host).hostRoot().daemonJson(), "{\"cluster-store\":\"etcd://127.0.0.1:2379\"}");
                cluster.agent(host).systemctl().run(List.of("reload", "docker"));
            }

            assertThat(info(cluster, "10.0.1.18")).contains("\"ClusterStore\":\"etcd://127.0.0.1:2379\"");
            assertThat(info(cluster, "10.0.1.20")).contains("\"ClusterStore\":\"\"");

            cluster.agent("10.0.1.20").systemctl().run(List.of("restart", "docker"));
            assertThat(info(cluster, "10.0.1.20")).contains("\"ClusterStore\":\"etcd://127.0.0.1:2379\"");
        }
    }
}
