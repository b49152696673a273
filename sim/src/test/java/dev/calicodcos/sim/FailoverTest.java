package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class FailoverTest {
    private SimulatedCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofMillis(500)).allocationInterval(Duration.ofMillis(100))
                .statusUpdateRetry(Duration.ofMillis(300)).standbyMaster(true).start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Protos.FrameworkID runOneTask(TestScheduler scheduler, String taskId) throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
        Protos.Offer offer = await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true), l -> !l.isEmpty()).get(0);
        scheduler.call(Tasks.launch(offer, Tasks.task(taskId, offer, Tasks.shell("sleep 60"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            scheduler.updates(taskId).stream().filter(Protos.TaskStatus::hasUuid).forEach(s -> {
                try {
                    scheduler.acknowledge(s);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return scheduler.updates(taskId).stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING);
        });
        return scheduler.frameworkId;
    }

    @Test
    void resubscribingWithTheFrameworkIdKeepsTasksAndFailsOverTheOldStream() throws Exception {
        try (TestScheduler first = new TestScheduler(cluster.masterUrl());
             TestScheduler second = new TestScheduler(cluster.masterUrl())) {
            Protos.FrameworkID id = runOneTask(first, "kept");

            second.subscribe(TestScheduler.multiRole("calico").setId(id).build());

            await().atMost(Duration.ofSeconds(5)).until(() -> first.ended);
            assertThat(first.events(Event.Type.ERROR)).singleElement()
                    .satisfies(e -> assertThat(e.getError().getMessage()).isEqualTo("Framework failed over"));
            await().atMost(Duration.ofSeconds(5)).until(() -> second.frameworkId != null);
            assertThat(second.frameworkId).isEqualTo(id);
            assertThat(second.streamId).isNotEqualTo(first.streamId);
            second.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()));
            await().atMost(Duration.ofSeconds(5)).until(() -> second.updates("kept").stream()
                    .anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));
        }
    }

    @Test
    void teardownRemovesTheFrameworkForGood() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl());
             TestScheduler again = new TestScheduler(cluster.masterUrl())) {
            Protos.FrameworkID id = runOneTask(scheduler, "doomed");

            assertThat(scheduler.call(Call.newBuilder().setType(Call.Type.TEARDOWN)).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.ended);
            again.subscribe(TestScheduler.multiRole("calico").setId(id).build());

            await().atMost(Duration.ofSeconds(5)).until(() -> again.ended);
            assertThat(again.events).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo(Event.Type.ERROR);
                assertThat(e.getError().getMessage()).isEqualTo("Framework has been removed");
            });
        }
    }

    @Test
    void masterFailoverEndsTheStreamMovesTheLeaderAndTheFrameworkMustResubscribe() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            Protos.FrameworkID id = runOneTask(scheduler, "survivor");
            var oldLeader = cluster.masterUrl();

            cluster.faults().failoverMaster();

            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.ended);
            assertThat(cluster.masterUrl()).isNotEqualTo(oldLeader);
            HttpResponse<String> redirected = TestScheduler.HTTP.send(HttpRequest.newBuilder(oldLeader.resolve("/master/slaves?slave_id=x"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(redirected.statusCode()).isEqualTo(307);
            assertThat(redirected.headers().firstValue("Location")).hasValue("//" + cluster.masterUrl().getAuthority()
                    + "/master/slaves?slave_id=x");
            try (TestScheduler stale = new TestScheduler(cluster.masterUrl())) {
                stale.frameworkId = id;
                stale.streamId = scheduler.streamId;
                assertThat(stale.call(Call.newBuilder().setType(Call.Type.REVIVE)).statusCode()).isEqualTo(403);
            }
            try (TestScheduler resubscribed = new TestScheduler(cluster.masterUrl())) {
                resubscribed.subscribe(TestScheduler.multiRole("calico").setId(id).build());
                await().atMost(Duration.ofSeconds(5)).until(() -> id.equals(resubscribed.frameworkId));
                resubscribed.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()));
                await().atMost(Duration.ofSeconds(5)).until(() -> resubscribed.updates("survivor").stream()
                        .anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));
            }
        }
    }

    @Test
    void noLeaderAnswers503AndRedirectPointsAtTheLeader() throws Exception {
        URI standby = cluster.standbyMasterUrl().orElseThrow();
        HttpResponse<String> redirect = TestScheduler.HTTP.send(HttpRequest.newBuilder(standby.resolve("/master/redirect")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(307);
        assertThat(redirect.headers().firstValue("Location")).hasValue("//" + cluster.masterUrl().getAuthority());

        cluster.faults().noLeader();
        HttpResponse<String> none = TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/master/slaves")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).isEqualTo("No leader elected");
    }

    @Test
    void recoveringLeaderAnswersTheV1ApisWith503() throws Exception {
        cluster.faults().masterRecovering(true);
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            assertThat(scheduler.subscribeStatus).isEqualTo(503);
        }
        HttpResponse<String> slaves = TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/master/slaves"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(slaves.statusCode()).isEqualTo(200);
        cluster.faults().masterRecovering(false);
    }

    @Test
    void stalledStreamDeliversNoHeartbeatsUntilUnstalled() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.events(Event.Type.HEARTBEAT).size() >= 2);

            cluster.faults().stallEventStreams(true);
            int seen = scheduler.events.size();
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> scheduler.events.size() <= seen + 1);
            cluster.faults().stallEventStreams(false);

            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.events.size() > seen + 1);
        }
    }

    @Test
    void droppedUpdateIsResentAndDuplicatedUpdateArrivesTwice() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            Protos.Offer offer = await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true), l -> !l.isEmpty()).get(0);
            cluster.faults().dropNextStatusUpdate("flaky");

            scheduler.call(Tasks.launch(offer, Tasks.task("flaky", offer, Tasks.shell("sleep 60"))));

            await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.updates("flaky").isEmpty());
            Protos.TaskStatus starting = scheduler.updates("flaky").get(0);
            assertThat(starting.getState()).isEqualTo(TaskState.TASK_STARTING);
            cluster.faults().duplicateNextStatusUpdate("flaky");
            scheduler.acknowledge(starting);
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("flaky").stream()
                    .filter(s -> s.getState() == TaskState.TASK_RUNNING).count() == 2);
            cluster.faults().failTask("flaky");
            scheduler.updates("flaky").stream().filter(s -> s.getState() == TaskState.TASK_RUNNING).findFirst()
                    .ifPresent(s -> {
                        try {
                            scheduler.acknowledge(s);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("flaky").stream()
                    .anyMatch(s -> s.getState() == TaskState.TASK_FAILED && s.getMessage().contains("signal Killed")));
        }
    }

    @Test
    void aTaskStoppedAsSoonAsItReportsRunningEnds() throws Exception {
        // Mesos sends TASK_RUNNING once the command is forked, so a SIGTERM from then on reaches the command
        // (here the container's init forks it: a signal sent while the init is still starting must not be lost).
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            Protos.Offer offer = await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true), l -> !l.isEmpty()).get(0);
            int tasks = 5;
            Protos.TaskInfo.Builder[] launches = new Protos.TaskInfo.Builder[tasks];
            for (int i = 0; i < tasks; i++) {
                launches[i] = Tasks.task("early-" + i, offer, Tasks.shell("sleep 600"));
            }
            scheduler.call(Tasks.launch(offer, launches));

            Set<ByteString> acknowledged = new HashSet<>();
            for (int i = 0; i < tasks; i++) {
                String id = "early-" + i;
                // each update is sent once the one before it was acknowledged: acknowledge at once and stop the task the
                // moment it says it runs
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
                    acknowledge(scheduler, id, acknowledged);
                    return scheduler.updates(id).stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING);
                });
                cluster.faults().terminateTask(id);
            }

            for (int i = 0; i < tasks; i++) {
                String id = "early-" + i;
                await(id + " ended").atMost(Duration.ofSeconds(10)).until(() -> {
                    acknowledge(scheduler, id, acknowledged);
                    return scheduler.updates(id).stream()
                            .anyMatch(s -> s.getState() == TaskState.TASK_FAILED && s.getMessage().contains("signal Terminated"));
                });
            }
        }
    }

    /** Acknowledges every update of the task not acknowledged yet: the next one is sent only then. */
    private static void acknowledge(TestScheduler scheduler, String taskId, Set<ByteString> acknowledged) throws Exception {
        for (Protos.TaskStatus status : scheduler.updates(taskId)) {
            if (acknowledged.add(status.getUuid())) {
                scheduler.acknowledge(status);
            }
        }
    }
}
