package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.sim.proto.StrictJson;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.mesos.v1.master.Protos.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code /master/slaves}, {@code /master/state} and operator {@code GET_AGENTS} in the shapes of the reference. */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
@Tag("integration")
class MasterReadEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SimulatedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"), AgentSpec.publicAgent("10.0.5.10"))
                .heartbeatInterval(Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void slavesListsPublicAgentWithSlavePublicReservationAndFlatIds() throws Exception {
        JsonNode root = JSON.readTree(get("/master/slaves").body());

        assertThat(root.get("recovered_slaves")).isEmpty();
        JsonNode pub = root.get("slaves").get(1);
        assertThat(pub.get("id").asText()).endsWith("-S1");
        assertThat(pub.get("hostname").asText()).isEqualTo("10.0.5.10");
        assertThat(pub.get("port").asInt()).isEqualTo(5051);
        assertThat(pub.get("pid").asText()).isEqualTo("slave(1)@10.0.5.10:5051");
        assertThat(pub.at("/attributes/public_ip").asText()).isEqualTo("true");
        assertThat(pub.at("/resources/ports").asText()).isEqualTo("[1-21, 23-5050, 5052-32000]");
        assertThat(pub.at("/resources/gpus").asDouble()).isZero();
        assertThat(pub.at("/reserved_resources/slave_public/cpus").asDouble()).isEqualTo(4.0);
        assertThat(pub.at("/unreserved_resources/cpus").asDouble()).isZero();
        assertThat(pub.at("/reserved_resources_full/slave_public/0/reservations/0/role").asText()).isEqualTo("slave_public");
        assertThat(pub.get("active").asBoolean()).isTrue();
        assertThat(pub.get("deactivated").asBoolean()).isFalse();
        assertThat(pub.get("version").asText()).isEqualTo("1.11.0");
        assertThat(pub.get("registered_time").isNumber()).isTrue();
        JsonNode priv = root.get("slaves").get(0);
        assertThat(priv.at("/resources/ports").asText()).isEqualTo("[1025-2180, 2182-3887, 3889-5049, 5052-8079, 8082-8180, 8182-32000]");
        assertThat(priv.get("attributes")).isEmpty();
        assertThat(priv.get("reserved_resources")).isEmpty();
    }

    @Test
    void slavesFiltersBySlaveIdAndAnswersUnderTheMesosPrefix() throws Exception {
        String id = JSON.readTree(get("/master/slaves").body()).get("slaves").get(0).get("id").asText();

        JsonNode one = JSON.readTree(get("/mesos/master/slaves?slave_id=" + id).body());

        assertThat(one.get("slaves")).hasSize(1);
        assertThat(one.get("slaves").get(0).get("id").asText()).isEqualTo(id);
    }

    @Test
    void stateHasAgentsWithoutFullFieldsAndLeaderInfo() throws Exception {
        JsonNode state = JSON.readTree(get("/master/state").body());

        assertThat(state.get("slaves")).hasSize(2);
        assertThat(state.get("slaves").get(0).has("unreserved_resources_full")).isFalse();
        assertThat(state.get("activated_slaves").asInt()).isEqualTo(2);
        assertThat(state.get("leader").asText()).isEqualTo("master@" + cluster.masterUrl().getAuthority());
    }

    @Test
    void getAgentsAnswersWithTheOperatorProtobufShape() throws Exception {
        HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/api/v1"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_AGENTS\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        Response response = StrictJson.parse(r.body(), Response.newBuilder()).build();
        assertThat(response.getGetAgents().getAgentsList()).hasSize(2);
        var pub = response.getGetAgents().getAgents(1);
        assertThat(pub.getAgentInfo().getResources(0).hasRole()).isFalse();
        assertThat(pub.getAgentInfo().getResources(0).getReservations(0).getRole()).isEqualTo("slave_public");
        assertThat(pub.getTotalResources(0).getRole()).isEqualTo("slave_public");
        assertThat(pub.getRegisteredTime().getNanoseconds()).isGreaterThan(1_600_000_000_000_000_000L);
    }

    @Test
    void operatorCallWithUnknownFieldIsRejected() throws Exception {
        HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/api/v1"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_AGENTS\",\"get_agent\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(400);
    }
}
