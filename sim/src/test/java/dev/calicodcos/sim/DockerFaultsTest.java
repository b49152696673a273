package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.sim.docker.DockerEngineFake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Docker faults injected from Java and over the admin endpoint, and calico/node's Felix health answering on
 * the agent's own loopback address inside a simulated cluster.
 */
@Tag("integration")
class DockerFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static SimulatedCluster cluster;
    private static int agents;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.builder().heartbeatInterval(Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static SimAgent agent() {
        return cluster.faults().addAgent(AgentSpec.privateAgent("10.0.3." + (++agents)));
    }

    @Test
    void aRefusedDaemonJsonKeyFailsTheDockerUnitUntilTheRefusalIsCleared() throws Exception {
        SimAgent agent = agent();
        Files.writeString(agent.hostRoot().daemonJson(), "{\"cluster-store\":\"etcd://127.0.0.1:2379\"}");

        assertThat(cluster.faults().dockerRefusesConfig(agent.spec().hostname(), "cluster-store", "cluster-store is gone")).isTrue();
        var reload = agent.systemctl().run(List.of("reload", "docker"));
        var restart = agent.systemctl().run(List.of("restart", "docker"));

        assertThat(reload.exitCode()).isEqualTo(1);
        assertThat(restart.exitCode()).isEqualTo(1);
        assertThat(agent.docker().state()).isEqualTo(DockerEngineFake.DaemonState.FAILED);
        assertThat(agent.docker().lastFailure()).isEqualTo("cluster-store is gone");
        assertThat(cluster.faults().clearDockerRefusal(agent.spec().hostname())).isTrue();
        assertThat(agent.systemctl().run(List.of("start", "docker")).exitCode()).isZero();
        assertThat(cluster.faults().dockerRefusesConfig("10.9.9.9", "x", "y")).isFalse();
    }

    @Test
    void theAdminEndpointInjectsTheDockerFaultsToo() throws Exception {
        SimAgent agent = agent();
        String host = agent.spec().hostname();
        Files.writeString(agent.hostRoot().daemonJson(), "{\"live-restore\":true}");

        HttpResponse<String> refuse = admin("/faults/agents/" + host + "/docker-refuses-config?key=live-restore", "no live restore");
        var refusedRestart = agent.systemctl().run(List.of("restart", "docker"));
        HttpResponse<String> accept = admin("/faults/agents/" + host + "/docker-accepts-config", "");
        var restart = agent.systemctl().run(List.of("restart", "docker"));
        HttpResponse<String> failPulls = admin("/faults/agents/" + host + "/fail-pulls", "");
        HttpResponse<String> failedPull = docker(agent, "/images/create?fromImage=calico%2Fnode&tag=v2.6.11");
        admin("/faults/agents/" + host + "/allow-pulls", "");

        assertThat(List.of(refuse.statusCode(), accept.statusCode(), failPulls.statusCode())).containsOnly(200);
        assertThat(refusedRestart.exitCode()).isEqualTo(1);
        assertThat(restart.exitCode()).isZero();
        assertThat(failedPull.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(failedPull.body()).get("message").asText())
                .isEqualTo("Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host");
        assertThat(docker(agent, "/images/create?fromImage=calico%2Fnode&tag=v2.6.11").statusCode()).isEqualTo(200);
    }

    @Test
    void failedPullsLeaveImagesAlreadyThereUsable() throws Exception {
        SimAgent agent = agent();
        assertThat(cluster.faults().failImagePulls(agent.spec().hostname(), true)).isTrue();

        assertThat(docker(agent, "/images/create?fromImage=busybox&tag=latest").statusCode()).isEqualTo(500);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(agent.docker().dockerHost().replace("tcp://", "http://")
                + "/images/busybox:latest/json")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void felixHealthOfARunningCalicoNodeAnswersOnItsAgentsLoopbackOnly() throws Exception {
        SimAgent agent = agent();
        SimAgent other = agent();
        docker(agent, "/images/create?fromImage=calico%2Fnode&tag=v2.6.12");
        String body = "{\"Image\":\"calico/node:v2.6.12\",\"Env\":[\"NODENAME=" + agent.spec().hostname() + "\","
                + "\"ETCD_ENDPOINTS=http://127.0.0.1:2379\",\"FELIX_HEALTHENABLED=true\"],\"HostConfig\":{\"NetworkMode\":\"host\","
                + "\"Privileged\":true,\"RestartPolicy\":{\"Name\":\"always\"},\"Binds\":[\"/var/log/calico:/var/log/calico\","
                + "\"/var/run/calico:/var/run/calico\",\"/lib/modules:/lib/modules\",\"/run:/run\"]}}";
        assertThat(docker(agent, "/containers/create?name=calico-node", body).statusCode()).isEqualTo(201);
        assertThat(docker(agent, "/containers/calico-node/start", "").statusCode()).isEqualTo(204);

        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + agent.loopback() + ":9099/readiness"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(ready.statusCode()).isEqualTo(204);
        assertThat(agent.hostRoot().root().resolve("var/run/calico/bird.ctl")).exists();
        assertThat(other.hostRoot().root().resolve("var/run/calico/bird.ctl")).doesNotExist();
        assertThat(agent.systemctl().run(List.of("stop", "docker")).exitCode()).isZero();
        assertThat(agent.hostRoot().root().resolve("var/run/calico/bird.ctl")).doesNotExist();
    }

    private static HttpResponse<String> admin(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(cluster.adminUrl().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> docker(SimAgent agent, String path) throws Exception {
        return docker(agent, path, "");
    }

    private static HttpResponse<String> docker(SimAgent agent, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(agent.docker().dockerHost().replace("tcp://", "http://") + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
