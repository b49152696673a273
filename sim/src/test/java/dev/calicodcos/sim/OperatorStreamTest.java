package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.sim.proto.StrictJson;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.master.Protos.Event;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Operator SUBSCRIBE: snapshot first, then agent, framework and task events (reference 9.2). */
@Tag("integration")
class OperatorStreamTest {
    @Test
    void operatorStreamStartsWithStateThenReportsAgentsAndTasks() throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofMillis(500)).allocationInterval(Duration.ofMillis(100)).start();
             TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            HttpResponse<InputStream> response = TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/api/v1"))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"SUBSCRIBE\"}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Mesos-Stream-Id")).isEmpty();
            List<Event> events = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> readAll(response.body(), events));
            reader.setDaemon(true);
            reader.start();

            cluster.faults().addAgent(AgentSpec.publicAgent("10.0.5.10"));
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            Protos.Offer offer = await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true), l -> !l.isEmpty()).get(0);
            scheduler.call(Tasks.launch(offer, Tasks.task("watched", offer, Tasks.shell("sleep 30"))));
            cluster.faults().removeAgent("10.0.5.10");

            await().atMost(Duration.ofSeconds(10)).until(() -> types(events).containsAll(List.of(Event.Type.AGENT_ADDED,
                    Event.Type.FRAMEWORK_ADDED, Event.Type.TASK_ADDED, Event.Type.TASK_UPDATED, Event.Type.AGENT_REMOVED)));
            assertThat(events.get(0).getType()).isEqualTo(Event.Type.SUBSCRIBED);
            assertThat(events.get(0).getSubscribed().getGetState().getGetAgents().getAgentsList()).hasSize(1);
            assertThat(events.get(1).getType()).isEqualTo(Event.Type.HEARTBEAT);
            Event added = events.stream().filter(e -> e.getType() == Event.Type.TASK_ADDED).findFirst().orElseThrow();
            assertThat(added.getTaskAdded().getTask().getState()).isEqualTo(Protos.TaskState.TASK_STAGING);
            response.body().close();
        }
    }

    private static List<Event.Type> types(List<Event> events) {
        return events.stream().map(Event::getType).toList();
    }

    private static void readAll(InputStream in, List<Event> out) {
        try (in) {
            while (true) {
                StringBuilder digits = new StringBuilder();
                int b;
                while ((b = in.read()) != '\n') {
                    if (b < 0) {
                        return;
                    }
                    digits.append((char) b);
                }
                byte[] record = in.readNBytes(Integer.parseInt(digits.toString()));
                out.add(StrictJson.parse(new String(record, StandardCharsets.UTF_8), Event.newBuilder()).build());
            }
        } catch (Exception e) {
            // stream closed
        }
    }
}
