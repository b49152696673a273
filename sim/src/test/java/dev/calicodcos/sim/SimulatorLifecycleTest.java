package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Whole-simulator behaviour: process cleanup, failover timeout, and fault injection over HTTP. */
@Tag("integration")
class SimulatorLifecycleTest {
    private static SimulatedCluster cluster() throws Exception {
        return SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofMillis(300)).allocationInterval(Duration.ofMillis(100))
                .statusUpdateRetry(Duration.ofMillis(300)).agentRestartDelay(Duration.ofMillis(500)).start();
    }

    private static long runningPid(TestScheduler scheduler, String taskId) throws Exception {
        Protos.Offer offer = await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true), l -> !l.isEmpty()).get(0);
        scheduler.call(Tasks.launch(offer, Tasks.task(taskId, offer, Tasks.shell("sleep 300; sleep 300"))));
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (Protos.TaskStatus s : scheduler.updates(taskId)) {
                scheduler.acknowledge(s);
            }
            return scheduler.updates(taskId).stream().filter(s -> s.getState() == TaskState.TASK_RUNNING)
                    .map(s -> (long) s.getContainerStatus().getExecutorPid()).findFirst().orElse(0L);
        }, pid -> pid > 0);
    }

    @Test
    void closingTheSimulatorKillsEveryTaskProcess() throws Exception {
        SimulatedCluster cluster = cluster();
        long pid;
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            pid = runningPid(scheduler, "long");
            assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        } finally {
            cluster.close();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(cluster.workDir()).doesNotExist();
    }

    @Test
    void frameworkThatStaysAwayLongerThanItsFailoverTimeoutIsRemoved() throws Exception {
        try (SimulatedCluster cluster = cluster()) {
            TestScheduler first = new TestScheduler(cluster.masterUrl());
            first.subscribe(TestScheduler.multiRole("calico").setFailoverTimeout(0).build());
            await().atMost(Duration.ofSeconds(5)).until(() -> first.frameworkId != null);
            Protos.FrameworkID id = first.frameworkId;

            first.close();                                   // the scheduler goes away; the next heartbeat write fails

            ObjectMapper json = new ObjectMapper();
            await().atMost(Duration.ofSeconds(10)).until(() -> json.readTree(TestScheduler.HTTP.send(
                    HttpRequest.newBuilder(cluster.masterUrl().resolve("/master/state")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("frameworks").isEmpty());
            try (TestScheduler again = new TestScheduler(cluster.masterUrl())) {
                again.subscribe(TestScheduler.multiRole("calico").setId(id).build());

                await().atMost(Duration.ofSeconds(5)).until(() -> again.ended);
                assertThat(again.events).singleElement()
                        .satisfies(e -> assertThat(e.getError().getMessage()).isEqualTo("Framework has been removed"));
            }
        }
    }

    @Test
    void faultsCanBeInjectedOverTheAdminEndpoint() throws Exception {
        try (SimulatedCluster cluster = cluster()) {
            ObjectMapper json = new ObjectMapper();
            var agents = json.readTree(TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.adminUrl().resolve("/agents")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(agents.get(0).get("host_root").asText()).isEqualTo(cluster.hostRoot("10.0.1.21").toString());

            HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(
                    cluster.adminUrl().resolve("/faults/agents/10.0.1.21/disconnect")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(cluster.agent("10.0.1.21").connected()).isFalse();
            var slaves = json.readTree(TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/master/slaves")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(slaves.at("/slaves/0/active").asBoolean()).isFalse();
        }
    }

    @Test
    void removedAgentVanishesAndItsTasksAreReportedGone() throws Exception {
        try (SimulatedCluster cluster = cluster(); TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            long pid = runningPid(scheduler, "onremoved");

            cluster.faults().removeAgent("10.0.1.21");

            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("onremoved").stream()
                    .anyMatch(s -> s.getState() == TaskState.TASK_GONE));
            assertThat(scheduler.events(Event.Type.FAILURE)).isNotEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
    }
}
