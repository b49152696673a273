package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.sim.agent.SimAgent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each simulated agent's own HTTP API: {@code slave/registered} on {@code <loopback>:5051} as a Mesos agent serves it. */
@Tag("integration")
class MesosAgentEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private SimulatedCluster cluster;
    private SimAgent agent;

    @BeforeEach
    void setUp() throws IOException {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21").withMesosVersion("1.0.3"),
                        AgentSpec.publicAgent("10.0.5.10"))
                .heartbeatInterval(Duration.ofMillis(500)).agentRestartDelay(Duration.ofMillis(1500)).start();
        agent = cluster.agent("10.0.1.21");
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private double registered(String endpoint) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + "/metrics/snapshot"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode snapshot = JSON.readTree(answer.body());
        assertThat(snapshot.get("slave/uptime_secs").isNumber()).isTrue();
        return snapshot.get("slave/registered").asDouble();
    }

    private boolean activeOnMaster() throws IOException, InterruptedException {
        String slaves = HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/master/slaves")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode slave : JSON.readTree(slaves).get("slaves")) {
            if (slave.get("hostname").asText().equals("10.0.1.21")) {
                return slave.get("active").asBoolean();
            }
        }
        return false;
    }

    @Test
    void anAgentListensOnItsOwnLoopbackPort5051OnlyOnceAsked() throws Exception {
        String endpoint = agent.loopback() + ":5051";
        assertThatThrownBy(() -> registered(endpoint)).isInstanceOf(ConnectException.class);

        assertThat(agent.mesosAgentEndpoint()).isEqualTo(endpoint);
        String other = cluster.agent("10.0.5.10").mesosAgentEndpoint();

        assertThat(registered(endpoint)).isEqualTo(1.0);
        assertThat(registered(other)).isEqualTo(1.0);
        assertThat(other).isNotEqualTo(endpoint).endsWith(":5051");
    }

    @Test
    void whileTheAgentProcessRestartsNothingListensThenItIsRegisteredAgain() throws Exception {
        String endpoint = agent.mesosAgentEndpoint();

        CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> cluster.faults().restartAgent("10.0.1.21"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !agent.mesosAgentEndpointListening());
        assertThatThrownBy(() -> registered(endpoint)).isInstanceOf(ConnectException.class);
        assertThat(agent.registered()).isFalse();
        restart.get();

        assertThat(registered(endpoint)).isEqualTo(1.0);
        assertThat(activeOnMaster()).isTrue();
    }

    @Test
    void aPartitionedOrDisconnectedAgentAnswersNotRegistered() throws Exception {
        String endpoint = agent.mesosAgentEndpoint();

        cluster.faults().partitionAgent("10.0.1.21");
        double partitioned = registered(endpoint);
        cluster.faults().healAgent("10.0.1.21");
        double healed = registered(endpoint);
        cluster.faults().disconnectAgent("10.0.1.21");
        double disconnected = registered(endpoint);
        cluster.faults().reconnectAgent("10.0.1.21");

        assertThat(List.of(partitioned, healed, disconnected, registered(endpoint))).containsExactly(0.0, 1.0, 0.0, 1.0);
    }

    @Test
    void anAgentFailingToRegisterComesBackActiveButUnregisteredUntilARestartWithoutTheFault() throws Exception {
        String endpoint = agent.mesosAgentEndpoint();
        cluster.faults().agentFailsToRegister("10.0.1.21", true);
        assertThat(registered(endpoint)).as("the running process is not touched").isEqualTo(1.0);

        cluster.faults().restartAgent("10.0.1.21");

        assertThat(agent.systemctl().run(List.of("is-active", "dcos-mesos-slave")).stdout().strip()).isEqualTo("active");
        assertThat(registered(endpoint)).isEqualTo(0.0);
        assertThat(activeOnMaster()).isFalse();

        cluster.faults().agentFailsToRegister("10.0.1.21", false);
        assertThat(registered(endpoint)).as("cleared: takes effect at the next start").isEqualTo(0.0);
        cluster.faults().restartAgent("10.0.1.21");

        assertThat(registered(endpoint)).isEqualTo(1.0);
        assertThat(activeOnMaster()).isTrue();
    }

    @Test
    void aStoppedAgentDoesNotListenAndAStartedOneRegisters() throws Exception {
        String endpoint = agent.mesosAgentEndpoint();

        agent.systemctl().run(List.of("stop", "dcos-mesos-slave"));
        assertThatThrownBy(() -> registered(endpoint)).isInstanceOf(ConnectException.class);
        agent.systemctl().run(List.of("start", "dcos-mesos-slave"));

        assertThat(registered(endpoint)).isEqualTo(1.0);
    }
}
