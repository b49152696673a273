package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
@Tag("integration")
class TaskLifecycleTest {
    private static final String PRIVATE = "10.0.1.21";
    private static final String PUBLIC = "10.0.5.10";
    private SimulatedCluster cluster;
    private TestScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent(PRIVATE), AgentSpec.publicAgent(PUBLIC))
                .heartbeatInterval(Duration.ofSeconds(1)).allocationInterval(Duration.ofMillis(100))
                .statusUpdateRetry(Duration.ofMillis(300)).start();
        scheduler = new TestScheduler(cluster.masterUrl());
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        cluster.close();
    }

    private Protos.Offer offerFor(String hostname) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !scheduler.offers(o -> o.getHostname().equals(hostname)).isEmpty());
        List<Protos.Offer> offers = scheduler.offers(o -> o.getHostname().equals(hostname));
        return offers.get(offers.size() - 1);
    }

    @Test
    void publicAgentIsOfferedOnlyUnderSlavePublicAndPrivateUnderTheOwnRole() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico", "slave_public").build());

        Protos.Offer priv = offerFor(PRIVATE);
        Protos.Offer pub = offerFor(PUBLIC);

        assertThat(priv.getAllocationInfo().getRole()).isEqualTo("calico");
        assertThat(priv.getResourcesList()).allSatisfy(r -> assertThat(r.getRole()).isEqualTo("*"));
        assertThat(pub.getAllocationInfo().getRole()).isEqualTo("slave_public");
        assertThat(pub.getResourcesList()).allSatisfy(r -> assertThat(r.getRole()).isEqualTo("slave_public"));
        assertThat(pub.getAttributesList()).extracting(Protos.Attribute::getName).containsExactly("public_ip");
    }

    @Test
    void frameworkWithoutSlavePublicRoleGetsNoOffersFromPublicAgents() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico").build());

        offerFor(PRIVATE);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> scheduler.offers(o -> o.getHostname().equals(PUBLIC)).isEmpty());
    }

    @Test
    void launchedTaskRunsThenFinishesAndUpdatesAreResentUntilAcknowledged() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico", "slave_public").build());
        Protos.Offer offer = offerFor(PRIVATE);

        var response = scheduler.call(Tasks.launch(offer,
                Tasks.task("t1", offer, Tasks.args("/bin/sh", "-c", "test \"$0\" = /bin/sh && exit 0; exit 7"))));

        assertThat(response.statusCode()).isEqualTo(202);
        // TASK_STARTING is resent while unacknowledged, and holds TASK_RUNNING back
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("t1").size() >= 2);
        assertThat(scheduler.updates("t1")).allSatisfy(s -> {
            assertThat(s.getState()).isEqualTo(TaskState.TASK_STARTING);
            assertThat(s.getUuid().size()).isEqualTo(16);
            assertThat(s.getSource()).isEqualTo(Protos.TaskStatus.Source.SOURCE_EXECUTOR);
        });
        assertThat(scheduler.updates("t1").stream().map(Protos.TaskStatus::getUuid).distinct()).hasSize(1);

        acknowledgeUntil("t1", TaskState.TASK_FINISHED);

        List<TaskState> states = scheduler.updates("t1").stream().map(Protos.TaskStatus::getState).distinct().toList();
        assertThat(states).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
        Protos.TaskStatus running = scheduler.updates("t1").stream().filter(s -> s.getState() == TaskState.TASK_RUNNING)
                .findFirst().orElseThrow();
        assertThat(running.getContainerStatus().getExecutorPid()).isPositive();
        assertThat(running.getAgentId()).isEqualTo(offer.getAgentId());
    }

    @Test
    void nonZeroExitFailsTheTask() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
        Protos.Offer offer = offerFor(PRIVATE);

        scheduler.call(Tasks.launch(offer, Tasks.task("t2", offer, Tasks.shell("exit 3"))));
        acknowledgeUntil("t2", TaskState.TASK_FAILED);

        Protos.TaskStatus failed = last("t2");
        assertThat(failed.getMessage()).isEqualTo("Command exited with status 3");
    }

    @Test
    void killSendsKillingThenKilledAfterSigterm() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
        Protos.Offer offer = offerFor(PRIVATE);
        scheduler.call(Tasks.launch(offer, Tasks.task("t3", offer, Tasks.shell("sleep 60"))));
        acknowledgeUntil("t3", TaskState.TASK_RUNNING);

        scheduler.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(Protos.TaskID.newBuilder().setValue("t3")).setAgentId(offer.getAgentId())));
        acknowledgeUntil("t3", TaskState.TASK_KILLED);

        assertThat(scheduler.updates("t3").stream().map(Protos.TaskStatus::getState).collect(Collectors.toSet()))
                .contains(TaskState.TASK_KILLING, TaskState.TASK_KILLED);
    }

    @Test
    void reusedOfferDropsTheTaskAndResourceOutsideTheOfferIsATaskError() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico", "slave_public").build());
        Protos.Offer offer = offerFor(PUBLIC);
        scheduler.call(Tasks.launch(offer, Tasks.task("ok", offer, Tasks.shell("sleep 30"))));

        scheduler.call(Tasks.launch(offer, Tasks.task("again", offer, Tasks.shell("true"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.updates("again").isEmpty());
        Protos.TaskStatus dropped = scheduler.updates("again").get(0);
        assertThat(dropped.getState()).isEqualTo(TaskState.TASK_DROPPED);
        assertThat(dropped.getReason()).isEqualTo(Protos.TaskStatus.Reason.REASON_INVALID_OFFERS);
        assertThat(dropped.hasUuid()).isFalse();

        scheduler.call(Call.newBuilder().setType(Call.Type.REVIVE));
        Protos.Offer fresh = await().atMost(Duration.ofSeconds(5)).until(
                () -> scheduler.offers(o -> o.getHostname().equals(PUBLIC) && !o.getId().equals(offer.getId())),
                l -> !l.isEmpty()).get(0);
        Protos.TaskInfo.Builder wrongRole = Tasks.task("wrong-role", fresh, Tasks.shell("true"));
        wrongRole.getResourcesBuilderList().forEach(r -> r.setRole("*"));   // forgot the slave_public reservation
        scheduler.call(Tasks.launch(fresh, wrongRole));
        await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.updates("wrong-role").isEmpty());
        assertThat(scheduler.updates("wrong-role").get(0).getState()).isEqualTo(TaskState.TASK_ERROR);
        assertThat(scheduler.updates("wrong-role").get(0).getReason()).isEqualTo(Protos.TaskStatus.Reason.REASON_TASK_INVALID);
    }

    @Test
    void declinedAgentIsNotReofferedUntilRevive() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
        Protos.Offer offer = offerFor(PRIVATE);
        scheduler.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder()
                .addOfferIds(offer.getId()).setFilters(Protos.Filters.newBuilder().setRefuseSeconds(3600))));
        int before = scheduler.offers(o -> true).size();

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> scheduler.offers(o -> true).size() == before);
        scheduler.call(Call.newBuilder().setType(Call.Type.REVIVE));

        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.offers(o -> true).size() > before);
    }

    @Test
    void suppressStopsOffersAndImplicitReconcileReportsKnownTasks() throws Exception {
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
        Protos.Offer offer = offerFor(PRIVATE);
        scheduler.call(Tasks.launch(offer, Tasks.task("t4", offer, Tasks.shell("sleep 60"))));
        acknowledgeUntil("t4", TaskState.TASK_RUNNING);
        scheduler.call(Call.newBuilder().setType(Call.Type.SUPPRESS));
        int before = scheduler.offers(o -> true).size();

        scheduler.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()));
        scheduler.call(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
                .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("ghost"))
                        .setAgentId(offer.getAgentId()))));

        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.updates("t4").stream()
                .anyMatch(s -> s.getReason() == Protos.TaskStatus.Reason.REASON_RECONCILIATION));
        Protos.TaskStatus answer = scheduler.updates("t4").stream()
                .filter(s -> s.getReason() == Protos.TaskStatus.Reason.REASON_RECONCILIATION).findFirst().orElseThrow();
        assertThat(answer.getState()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(answer.hasUuid()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.updates("ghost").isEmpty());
        assertThat(scheduler.updates("ghost").get(0).getState()).isEqualTo(TaskState.TASK_GONE);
        assertThat(scheduler.offers(o -> true)).hasSize(before);
    }

    private void acknowledgeUntil(String taskId, TaskState state) {
        Set<com.google.protobuf.ByteString> acked = new java.util.HashSet<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Protos.TaskStatus s : scheduler.updates(taskId)) {
                if (s.hasUuid() && acked.add(s.getUuid())) {
                    assertThat(scheduler.acknowledge(s).statusCode()).isEqualTo(202);
                }
            }
            return scheduler.updates(taskId).stream().anyMatch(s -> s.getState() == state);
        });
    }

    private Protos.TaskStatus last(String taskId) {
        List<Protos.TaskStatus> updates = scheduler.updates(taskId);
        return updates.get(updates.size() - 1);
    }
}
