package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Workloads of other frameworks: {@code /master/state} and {@code /master/frameworks} list the tasks of every
 * framework, a subscribed one's and the ones a test runs through {@link ClusterFaults#runWorkload}, with their
 * framework's checkpointing and their {@code container.type}.
 */
@Tag("integration")
class WorkloadTasksTest {
    private static final String PRIVATE = "10.0.1.21";
    private static final String PUBLIC = "10.0.5.10";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulatedCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent(PRIVATE), AgentSpec.publicAgent(PUBLIC))
                .heartbeatInterval(Duration.ofSeconds(1)).allocationInterval(Duration.ofMillis(100)).start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void stateListsTheTasksOfEveryFrameworkWithTheirContainerType() throws Exception {
        String agentId = cluster.agent(PRIVATE).id().getValue();
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico-dcos", "slave_public").setName("calico-dcos").setCheckpoint(true).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> !scheduler.offers(o -> o.getHostname().equals(PRIVATE)).isEmpty());
            Protos.Offer offer = scheduler.offers(o -> o.getHostname().equals(PRIVATE)).get(0);
            scheduler.call(Tasks.launch(offer, Tasks.task("node-agent", offer, Tasks.shell("sleep 30"))));
            String web = cluster.faults().runWorkload(PRIVATE, "marathon", "web", ClusterFaults.Containerizer.DOCKER);
            String api = cluster.faults().runWorkload(agentId, "marathon", "api", ClusterFaults.Containerizer.MESOS);
            cluster.faults().runWorkload(PUBLIC, "marathon", "edge", ClusterFaults.Containerizer.DOCKER);

            JsonNode state = JSON.readTree(get("/master/state"));

            JsonNode marathon = framework(state, "marathon");
            assertThat(marathon.get("active").asBoolean()).isTrue();
            assertThat(marathon.get("checkpoint").asBoolean()).isTrue();
            assertThat(marathon.get("tasks")).hasSize(3);
            JsonNode webTask = task(marathon, web);
            assertThat(webTask.get("name").asText()).isEqualTo("web");
            assertThat(webTask.get("slave_id").asText()).isEqualTo(agentId);
            assertThat(webTask.get("state").asText()).isEqualTo("TASK_RUNNING");
            assertThat(webTask.get("framework_id").asText()).isEqualTo(marathon.get("id").asText());
            assertThat(webTask.at("/container/type").asText()).isEqualTo("DOCKER");
            assertThat(webTask.at("/container/docker/image").asText()).isNotEmpty();
            assertThat(task(marathon, api).at("/container/type").asText()).isEqualTo("MESOS");
            JsonNode ours = framework(state, "calico-dcos");
            assertThat(ours.get("tasks")).hasSize(1);
            assertThat(ours.at("/tasks/0/state").asText()).isIn("TASK_STAGING", "TASK_STARTING", "TASK_RUNNING");
            assertThat(ours.at("/tasks/0/slave_id").asText()).isEqualTo(agentId);
            assertThat(ours.at("/tasks/0/container").isMissingNode()).as("a command task has no container").isTrue();
        }
    }

    @Test
    void frameworksAnswersTheFrameworksOfStateWithoutTheAgents() throws Exception {
        String web = cluster.faults().runWorkload(PRIVATE, "marathon", "web", ClusterFaults.Containerizer.DOCKER);
        cluster.faults().runWorkload(PUBLIC, "spark", "driver", ClusterFaults.Containerizer.MESOS);

        JsonNode frameworks = JSON.readTree(get("/mesos/master/frameworks"));

        assertThat(frameworks.has("slaves")).isFalse();
        assertThat(frameworks.get("completed_frameworks")).isEmpty();
        assertThat(task(framework(frameworks, "marathon"), web).get("state").asText()).isEqualTo("TASK_RUNNING");
        assertThat(framework(frameworks, "spark").at("/tasks/0/slave_id").asText()).isEqualTo(cluster.agent(PUBLIC).id().getValue());
        assertThat(frameworks.get("frameworks")).isEqualTo(JSON.readTree(get("/master/state")).get("frameworks"));
    }

    @Test
    void aStoppedWorkloadLeavesTheListsAndAnUnknownAgentIsRefused() throws Exception {
        String web = cluster.faults().runWorkload(PRIVATE, "marathon", "web", ClusterFaults.Containerizer.DOCKER);
        String api = cluster.faults().runWorkload(PRIVATE, "marathon", "api", ClusterFaults.Containerizer.DOCKER);

        assertThat(cluster.faults().stopWorkload(web)).isTrue();

        assertThat(cluster.faults().stopWorkload(web)).as("gone already").isFalse();
        JsonNode marathon = framework(JSON.readTree(get("/master/state")), "marathon");
        assertThat(ids(marathon)).containsExactly(api);
        assertThatThrownBy(() -> cluster.faults().runWorkload("10.9.9.9", "marathon", "x", ClusterFaults.Containerizer.MESOS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.9.9.9");
    }

    @Test
    void theAdminEndpointRunsAndStopsWorkloads() throws Exception {
        HttpResponse<String> run = post("/faults/agents/" + PRIVATE + "/workloads?framework=marathon&name=web&container=DOCKER");
        HttpResponse<String> bad = post("/faults/agents/" + PRIVATE + "/workloads?framework=marathon&name=web&container=RKT");
        HttpResponse<String> unknown = post("/faults/agents/10.9.9.9/workloads?framework=marathon&name=web&container=MESOS");

        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(task(framework(JSON.readTree(get("/master/state")), "marathon"), run.body()).at("/container/type").asText())
                .isEqualTo("DOCKER");
        assertThat(post("/faults/workloads/" + run.body() + "/stop").statusCode()).isEqualTo(200);
        assertThat(post("/faults/workloads/" + run.body() + "/stop").statusCode()).isEqualTo(404);
        assertThat(framework(JSON.readTree(get("/master/state")), "marathon").get("tasks")).isEmpty();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> post(String pathAndQuery) throws Exception {
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(URI.create(cluster.adminUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode framework(JsonNode answer, String name) {
        for (JsonNode f : answer.get("frameworks")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no framework " + name + " in " + answer.get("frameworks"));
    }

    private static JsonNode task(JsonNode framework, String id) {
        for (JsonNode t : framework.get("tasks")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no task " + id + " in " + framework.get("tasks"));
    }

    private static List<String> ids(JsonNode framework) {
        List<String> ids = new ArrayList<>();
        framework.get("tasks").forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }
}
