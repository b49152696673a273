package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class PartitionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unreachableAgentVanishesItsTasksBecomeUnreachableAndComeBackWhenItReregisters() throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofMillis(500)).allocationInterval(Duration.ofMillis(100))
                .statusUpdateRetry(Duration.ofMillis(300)).start();
             TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            Protos.Offer offer = await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true), l -> !l.isEmpty()).get(0);
            scheduler.call(Tasks.launch(offer, Tasks.task("p1", offer, Tasks.shell("sleep 60"))));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (Protos.TaskStatus s : scheduler.updates("p1")) {
                    if (s.hasUuid()) {
                        scheduler.acknowledge(s);
                    }
                }
                return scheduler.updates("p1").stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING);
            });

            cluster.faults().partitionAgent("10.0.1.21");

            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("p1").stream()
                    .anyMatch(s -> s.getState() == TaskState.TASK_UNREACHABLE && !s.hasUuid() && s.hasUnreachableTime()));
            assertThat(scheduler.events(Event.Type.FAILURE)).isNotEmpty();
            assertThat(JSON.readTree(get(cluster, "/master/slaves")).get("slaves")).isEmpty();
            assertThat(JSON.readTree(get(cluster, "/master/state")).get("unreachable_slaves").asInt()).isEqualTo(1);
            scheduler.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
                    .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("p1")))));
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("p1").stream()
                    .anyMatch(s -> s.getReason() == Protos.TaskStatus.Reason.REASON_RECONCILIATION
                            && s.getState() == TaskState.TASK_UNREACHABLE));

            cluster.faults().healAgent("10.0.1.21");

            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("p1").stream()
                    .anyMatch(s -> s.getReason() == Protos.TaskStatus.Reason.REASON_AGENT_REREGISTERED
                            && s.getState() == TaskState.TASK_RUNNING));
            assertThat(JSON.readTree(get(cluster, "/master/slaves")).at("/slaves/0/id").asText())
                    .isEqualTo(offer.getAgentId().getValue());
        }
    }

    private static String get(SimulatedCluster cluster, String path) throws Exception {
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
