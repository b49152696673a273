package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.ClusterFaults;
import dev.calicodcos.sim.agent.SimAgent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code rollout.drain} on a simulated cluster with real etcd, the controller and real node agents:
 * the Docker restart of the install waits while the agent's machine is in the Mesos maintenance
 * schedule. An agent whose only workload honours maintenance restarts as soon as the leader sees the
 * workload gone, well before the timeout; an agent whose workload ignores it waits the whole timeout.
 * The operator's own window stays, ours are gone at the end, and the budget holds throughout.
 */
@Tag("integration")
class DrainE2eTest {
    private static final Duration DRAIN = Duration.ofSeconds(90);
    private static final String OPERATORS_WINDOW = "{\"machine_ids\":[{\"hostname\":\"db.example.com\",\"ip\":\"10.0.9.9\"}],"
            + "\"unavailability\":{\"start\":{\"nanoseconds\":1764583200000000000},\"duration\":{\"nanoseconds\":3600000000000}}}";

    @Test
    void restartsWaitForTheDrainEndingEarlyOnceTheWorkloadsMovedAndTheScheduleIsLeftAsTheOperatorHadIt() throws Exception {
        List<AgentSpec> specs = List.of(AgentSpec.privateAgent("10.0.6.1").withDockerVersion("20.10.24"),
                AgentSpec.privateAgent("10.0.6.2").withDockerVersion("20.10.24"));
        try (DemoCluster demo = DemoCluster.start(E2e.options(2).withAgents(specs))) {
            List<SimAgent> agents = demo.sim().agents();
            SimAgent moving = agents.stream().filter(a -> a.spec().hostname().equals("10.0.6.1")).findFirst().orElseThrow();
            SimAgent staying = agents.stream().filter(a -> a.spec().hostname().equals("10.0.6.2")).findFirst().orElseThrow();
            demo.sim().faults().runWorkload("10.0.6.1", "marathon", "web", ClusterFaults.Containerizer.DOCKER, true);
            demo.sim().faults().runWorkload("10.0.6.2", "marathon", "db", ClusterFaults.Containerizer.DOCKER, false);
            assertThat(post(demo, "{\"windows\":[" + OPERATORS_WINDOW + "]}")).isEqualTo(200);

            demo.apply(demo.exampleSpec().replace("    maxConcurrentRestarts: 1\n",
                    "    maxConcurrentRestarts: 2\n    drain:\n      enabled: true\n      timeout: " + DRAIN.toSeconds() + "s\n"));
            E2e.awaitReady(demo, Duration.ofMinutes(4));

            ClusterStatus status = demo.status().orElseThrow();
            Instant movingGranted = granted(status, moving);
            Instant stayingGranted = granted(status, staying);
            Instant movingRestart = dockerRestart(moving);
            Instant stayingRestart = dockerRestart(staying);
            assertThat(movingRestart).as("the agent whose workload moved restarts well before the timeout")
                    .isBefore(movingGranted.plus(DRAIN).minusSeconds(30));
            assertThat(stayingRestart).as("the agent whose workload stays waits the whole timeout")
                    .isAfterOrEqualTo(stayingGranted.plus(DRAIN));
            assertThat(events(status, "DrainReleased")).extracting(ClusterEvent::agentId).containsExactly(E2e.agentId(moving));
            assertThat(events(status, "MaintenanceStarted")).extracting(ClusterEvent::agentId)
                    .containsExactlyInAnyOrder(E2e.agentId(moving), E2e.agentId(staying));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode schedule = E2e.JSON.readTree(get(demo));
                assertThat(schedule).as("only the operator's window is left")
                        .isEqualTo(E2e.JSON.readTree("{\"windows\":[" + OPERATORS_WINDOW + "]}"));
            });
            assertThat(E2e.maxAgentsDisruptedAtOnce(agents)).isBetween(1, 2);
        }
    }

    private static Instant granted(ClusterStatus status, SimAgent agent) {
        ClusterEvent grant = status.events().stream().filter(e -> e.reason().equals("RestartGranted") && E2e.agentId(agent).equals(e.agentId())
                        && "dockerClusterStore".equals(e.step())).findFirst().orElseThrow();
        assertThat(grant.message()).contains("drains until " + grant.time().plus(DRAIN));
        return grant.time();
    }

    private static Instant dockerRestart(SimAgent agent) {
        return E2e.restarts(agent).stream().filter(c -> c.args().equals("restart docker")).map(E2e.Call::start).findFirst().orElseThrow();
    }

    private static List<ClusterEvent> events(ClusterStatus status, String reason) {
        return new ArrayList<>(status.events().stream().filter(e -> e.reason().equals(reason)).toList());
    }

    private static String get(DemoCluster demo) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(schedule(demo)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int post(DemoCluster demo, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(schedule(demo)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static URI schedule(DemoCluster demo) {
        return demo.sim().masterUrl().resolve("/master/maintenance/schedule");
    }
}
