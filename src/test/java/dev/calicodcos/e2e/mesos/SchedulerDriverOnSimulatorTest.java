package dev.calicodcos.e2e.mesos;

import static dev.calicodcos.controller.mesos.TaskState.TASK_GONE;
import static dev.calicodcos.controller.mesos.TaskState.TASK_KILLED;
import static dev.calicodcos.controller.mesos.TaskState.TASK_KILLING;
import static dev.calicodcos.controller.mesos.TaskState.TASK_RUNNING;
import static dev.calicodcos.controller.mesos.TaskState.TASK_STARTING;
import static dev.calicodcos.e2e.mesos.DriverHarness.HEARTBEAT;
import static dev.calicodcos.e2e.mesos.DriverHarness.ROLE;
import static dev.calicodcos.e2e.mesos.DriverHarness.WAIT;
import static dev.calicodcos.e2e.mesos.DriverHarness.sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.controller.mesos.FrameworkInfo;
import dev.calicodcos.controller.mesos.InMemoryFrameworkIdStore;
import dev.calicodcos.controller.mesos.MesosSchedulerDriver;
import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.SchedulerDriverConfig;
import dev.calicodcos.controller.mesos.SchedulerEvent;
import dev.calicodcos.controller.mesos.SchedulerListener;
import dev.calicodcos.controller.mesos.TaskRef;
import dev.calicodcos.controller.mesos.TaskState;
import dev.calicodcos.controller.mesos.TaskStatus;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.SimulatedCluster;
import dev.calicodcos.sim.agent.SimAgent;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The controller's v1 scheduler driver ({@link MesosSchedulerDriver}, okhttp + Jackson as in production)
 * against the strict simulated Mesos master and agents of {@code sim/}: every call it makes is parsed
 * with the real Mesos protobufs and refused when wrong, and launched tasks really run.
 */
@Tag("integration")
class SchedulerDriverOnSimulatorTest {
    private static final String AGENT_A = "10.0.1.21";
    private static final String AGENT_B = "10.0.1.22";
    private static final String PUBLIC_AGENT = "10.0.5.10";

    private DriverHarness mesos;

    @AfterEach
    void stop() {
        if (mesos != null) {
            mesos.close();
        }
    }

    private DriverHarness start(SimulatedCluster.Builder simulator) throws IOException {
        mesos = DriverHarness.start(simulator);
        return mesos;
    }

    @Test
    void subscribesAndRunsATaskOnTheChosenAgent() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A), AgentSpec.privateAgent(AGENT_B),
                AgentSpec.publicAgent(PUBLIC_AGENT)));
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore();
        MesosSchedulerDriver driver = mesos.driver(mesos.cluster.masterUrl(), ids);

        SchedulerEvent.Subscribed subscribed = mesos.awaitSubscription(1);
        assertThat(ids.load()).contains(subscribed.frameworkId());
        assertThat(driver.subscribedFrameworkId()).contains(subscribed.frameworkId());
        assertThat(subscribed.heartbeatInterval()).isEqualTo(HEARTBEAT);
        assertThat(mesos.awaitOffer(PUBLIC_AGENT).allocationRole()).as("public agents are offered to slave_public")
                .contains(FrameworkInfo.PUBLIC_AGENT_ROLE);

        Offer offer = mesos.awaitOffer(AGENT_B);
        assertThat(offer.allocationRole()).contains(ROLE);
        driver.accept(List.of(offer.id()), List.of(sleeper(offer, "sleeper-1")), Optional.of(Duration.ofSeconds(1)));

        TaskStatus running = mesos.awaitState("sleeper-1", TASK_RUNNING);
        assertThat(running.agentId()).contains(mesos.agentId(AGENT_B));
        assertThat(mesos.events.updates("sleeper-1")).extracting(TaskStatus::state)
                .containsSubsequence(TASK_STARTING, TASK_RUNNING);
        assertThat(mesos.cluster.agent(AGENT_B).sandbox("sleeper-1")).isPresent();
        assertThat(mesos.cluster.agent(AGENT_A).sandbox("sleeper-1")).isEmpty();
        assertThat(mesos.liveTasksByAgent()).isEqualTo(Map.of(mesos.agentId(AGENT_B), List.of("sleeper-1")));

        // on the wire: accepted by the strict master, shell false with the full argv, and each task resource
        // carries the offered resource's role and allocation
        assertThat(mesos.calls.ofType("ACCEPT")).singleElement().satisfies(accept -> {
            assertThat(accept.status()).isEqualTo(202);
            JsonNode task = accept.body().at("/accept/operations/0/launch/task_infos/0");
            assertThat(task.at("/command/shell").asBoolean(true)).isFalse();
            assertThat(task.at("/command/value").asText()).isEqualTo("/bin/sh");
            assertThat(task.at("/command/arguments").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"sleep 600\"]");
            assertThat(task.path("resources")).hasSize(2).allSatisfy(r -> {
                assertThat(r.path("role").asText()).isEqualTo("*");
                assertThat(r.at("/allocation_info/role").asText()).isEqualTo(ROLE);
            });
        });
    }

    @Test
    void acknowledgesExactlyTheUpdatesThatCarryAUuid() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)));
        MesosSchedulerDriver driver = mesos.driver(mesos.cluster.masterUrl(), new InMemoryFrameworkIdStore());
        mesos.awaitSubscription(1);
        TaskRef task = mesos.launchSleeper(driver, AGENT_A, "acked");
        mesos.awaitState("acked", TASK_RUNNING);

        // the agent resends every update until it is acknowledged: nothing outstanding means all were acknowledged
        SimAgent agent = mesos.cluster.agent(AGENT_A);
        await().atMost(WAIT).until(() -> agent.outstandingUpdates() == 0);

        // master-made updates carry no uuid: answers to explicit and implicit reconciliation, and about an unknown task
        int mark = mesos.events.size();
        driver.reconcile(List.of(task));
        awaitUpdateSince(mark, s -> s.taskId().equals("acked") && reconciliation(s));
        int second = mesos.events.size();
        driver.reconcile(List.of());
        awaitUpdateSince(second, s -> s.taskId().equals("acked") && reconciliation(s));
        driver.reconcile(List.of(TaskRef.of("never-launched", task.agentId().orElseThrow())));
        TaskStatus gone = awaitUpdateSince(mark, s -> s.taskId().equals("never-launched"));
        assertThat(gone.state()).isEqualTo(TASK_GONE);
        assertThat(gone.agentId()).isPresent();

        // whatever the driver did about those updates is queued behind this call by now (one call thread, in order)
        driver.reconcile(List.of(TaskRef.of("queue-marker", task.agentId().orElseThrow())));
        await().atMost(WAIT).until(() -> mesos.calls.ofType("RECONCILE").stream()
                .anyMatch(c -> c.body().toString().contains("queue-marker") && c.status() == 202));

        List<TaskStatus> masterMade = EventLog.updates(mesos.events.since(mark)).stream()
                .filter(SchedulerDriverOnSimulatorTest::reconciliation).toList();
        assertThat(masterMade).hasSizeGreaterThanOrEqualTo(3).allSatisfy(s -> assertThat(s.uuid()).isEmpty());
        List<String> delivered = mesos.events.updates().stream().flatMap(s -> s.uuid().stream()).toList();
        List<String> acknowledged = mesos.calls.ofType("ACKNOWLEDGE").stream()
                .map(c -> c.body().at("/acknowledge/uuid").asText()).toList();
        assertThat(delivered).as("STARTING and RUNNING at least").hasSizeGreaterThanOrEqualTo(2);
        assertThat(acknowledged).as("one ACKNOWLEDGE per update with a uuid, in order, and no other")
                .isEqualTo(delivered);
        assertThat(mesos.calls.ofType("ACKNOWLEDGE")).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(202);
            assertThat(c.body().at("/acknowledge/task_id/value").asText()).isEqualTo("acked");
            assertThat(c.body().at("/acknowledge/agent_id/value").asText()).isEqualTo(mesos.agentId(AGENT_A));
        });
        assertThat(agent.outstandingUpdates()).isZero();
    }

    @Test
    void acknowledgesDuplicatedAndResentUpdatesUntilTheAgentStopsResending() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)));
        MesosSchedulerDriver driver = mesos.driver(mesos.cluster.masterUrl(), new InMemoryFrameworkIdStore());
        mesos.awaitSubscription(1);
        SimAgent agent = mesos.cluster.agent(AGENT_A);

        // TASK_STARTING reaches the scheduler twice (same uuid): both copies are acknowledged, the second one is stale
        mesos.cluster.faults().duplicateNextStatusUpdate("bumpy");
        TaskRef task = mesos.launchSleeper(driver, AGENT_A, "bumpy");
        mesos.awaitState("bumpy", TASK_RUNNING);
        await().atMost(WAIT).until(() -> agent.outstandingUpdates() == 0);
        List<TaskStatus> starting = mesos.events.updates("bumpy").stream().filter(s -> s.state() == TASK_STARTING).toList();
        assertThat(starting).hasSize(2);
        assertThat(starting.get(1).uuid()).isPresent().isEqualTo(starting.get(0).uuid());

        // TASK_KILLING is lost between agent and master: the agent resends it until it is acknowledged
        mesos.cluster.faults().dropNextStatusUpdate("bumpy");
        driver.kill("bumpy", task.agentId());
        mesos.awaitState("bumpy", TASK_KILLED);
        await().atMost(WAIT).until(() -> agent.outstandingUpdates() == 0 && mesos.masterTaskState("bumpy").isEmpty());
        assertThat(mesos.events.updates("bumpy")).extracting(TaskStatus::state)
                .containsSubsequence(TASK_STARTING, TASK_STARTING, TASK_RUNNING, TASK_KILLING, TASK_KILLED);

        driver.reconcile(List.of(TaskRef.of("queue-marker", task.agentId().orElseThrow())));
        await().atMost(WAIT).until(() -> mesos.calls.ofType("RECONCILE").stream()
                .anyMatch(c -> c.body().toString().contains("queue-marker") && c.status() == 202));
        List<String> delivered = mesos.events.updates().stream().flatMap(s -> s.uuid().stream()).toList();
        List<String> acknowledged = mesos.calls.ofType("ACKNOWLEDGE").stream()
                .map(c -> c.body().at("/acknowledge/uuid").asText()).toList();
        assertThat(acknowledged).isEqualTo(delivered);
        assertThat(mesos.calls.ofType("ACKNOWLEDGE")).allSatisfy(c -> assertThat(c.status()).isEqualTo(202));
    }

    @Test
    void killedTaskEndsKilled() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)));
        MesosSchedulerDriver driver = mesos.driver(mesos.cluster.masterUrl(), new InMemoryFrameworkIdStore());
        mesos.awaitSubscription(1);
        TaskRef task = mesos.launchSleeper(driver, AGENT_A, "doomed");
        mesos.awaitState("doomed", TASK_RUNNING);

        driver.kill("doomed", task.agentId());

        TaskStatus killed = mesos.awaitState("doomed", TASK_KILLED);
        assertThat(killed.uuid()).isPresent();
        assertThat(mesos.events.updates("doomed")).extracting(TaskStatus::state)
                .containsSubsequence(TASK_RUNNING, TASK_KILLING, TASK_KILLED);
        // terminal and acknowledged: the agent stops resending and the master forgets the task
        await().atMost(WAIT).until(() -> mesos.cluster.agent(AGENT_A).outstandingUpdates() == 0
                && mesos.masterTaskState("doomed").isEmpty());
        assertThat(mesos.liveTasksByAgent()).isEmpty();
    }

    @Test
    void resubscribesWithTheSameFrameworkIdAfterAMasterFailoverAndStillKnowsTheRunningTask() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)));
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore();
        MesosSchedulerDriver driver = mesos.driver(mesos.cluster.masterUrl(), ids);
        String frameworkId = mesos.awaitSubscription(1).frameworkId();
        TaskRef task = mesos.launchSleeper(driver, AGENT_A, "survivor");
        mesos.knownTasks.add(task);
        mesos.awaitState("survivor", TASK_RUNNING);

        int mark = mesos.events.size();
        mesos.cluster.faults().failoverMaster();

        SchedulerEvent.Subscribed again = mesos.awaitSubscription(2);
        assertThat(again.frameworkId()).isEqualTo(frameworkId);
        assertThat(ids.load()).contains(frameworkId);
        assertThat(EventLog.of(mesos.events.since(mark), SchedulerEvent.Disconnected.class)).isNotEmpty();
        assertThat(mesos.calls.ofType("SUBSCRIBE")).last().satisfies(s -> {
            assertThat(s.body().at("/framework_id/value").asText()).isEqualTo(frameworkId);
            assertThat(s.body().at("/subscribe/framework_info/id/value").asText()).isEqualTo(frameworkId);
        });

        // explicit reconciliation after the resubscription: the task is still known, and running
        TaskStatus answer = awaitUpdateSince(mark, s -> s.taskId().equals("survivor") && reconciliation(s));
        assertThat(answer.state()).isEqualTo(TASK_RUNNING);
        assertThat(answer.uuid()).isEmpty();
        assertThat(mesos.liveTasksByAgent()).isEqualTo(Map.of(mesos.agentId(AGENT_A), List.of("survivor")));

        // and the new subscription is fully usable
        mesos.launchSleeper(driver, AGENT_A, "after-failover");
        mesos.awaitState("after-failover", TASK_RUNNING);
    }

    @Test
    void reconnectsAfterMissedHeartbeats() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)));
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore();
        MesosSchedulerDriver driver = mesos.driver(mesos.cluster.masterUrl(), ids);
        String frameworkId = mesos.awaitSubscription(1).frameworkId();
        TaskRef task = mesos.launchSleeper(driver, AGENT_A, "steady");
        mesos.knownTasks.add(task);
        mesos.awaitState("steady", TASK_RUNNING);

        int mark = mesos.events.size();
        mesos.cluster.faults().stallEventStreams(true);
        await().atMost(WAIT).until(() -> !EventLog.of(mesos.events.since(mark), SchedulerEvent.Disconnected.class).isEmpty());
        assertThat(EventLog.of(mesos.events.since(mark), SchedulerEvent.Disconnected.class).get(0).reason())
                .contains("no event from the master in time");
        assertThat(driver.subscribedFrameworkId()).isEmpty();
        mesos.cluster.faults().stallEventStreams(false);

        SchedulerEvent.Subscribed again = mesos.awaitSubscription(2);
        assertThat(again.frameworkId()).isEqualTo(frameworkId);
        TaskStatus answer = awaitUpdateSince(mark, s -> s.taskId().equals("steady") && reconciliation(s));
        assertThat(answer.state()).isEqualTo(TASK_RUNNING);
        assertThat(mesos.liveTasksByAgent()).isEqualTo(Map.of(mesos.agentId(AGENT_A), List.of("steady")));
    }

    @Test
    void followsTheRedirectOfANonLeadingMaster() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)).standbyMaster(true));
        URI leader = mesos.cluster.masterUrl();
        URI standby = mesos.cluster.standbyMasterUrl().orElseThrow();
        MesosSchedulerDriver driver = mesos.driver(standby, new InMemoryFrameworkIdStore());

        mesos.awaitSubscription(1);
        List<CallLog.Exchange> subscribes = mesos.calls.ofType("SUBSCRIBE");
        assertThat(subscribes).hasSize(2);
        assertThat(subscribes.get(0).port()).isEqualTo(standby.getPort());
        assertThat(subscribes.get(0).status()).isEqualTo(307);
        assertThat(subscribes.get(0).location()).isEqualTo("//127.0.0.1:" + leader.getPort() + "/api/v1/scheduler");
        assertThat(subscribes.get(1).port()).isEqualTo(leader.getPort());
        assertThat(subscribes.get(1).status()).isEqualTo(200);

        // the calls of the subscription go straight to the leader it was redirected to
        mesos.launchSleeper(driver, AGENT_A, "redirected");
        mesos.awaitState("redirected", TASK_RUNNING);
        assertThat(mesos.calls.all()).filteredOn(c -> !c.type().equals("SUBSCRIBE")).isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.port()).isEqualTo(leader.getPort());
                    assertThat(c.status()).isEqualTo(202);
                });
    }

    @Test
    void followsTheLeaderWhenTheMastersSwapInAFailover() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)).standbyMaster(true));
        URI first = mesos.cluster.masterUrl();
        MesosSchedulerDriver driver = mesos.driver(first, new InMemoryFrameworkIdStore());
        String frameworkId = mesos.awaitSubscription(1).frameworkId();
        TaskRef task = mesos.launchSleeper(driver, AGENT_A, "swapped");
        mesos.knownTasks.add(task);
        mesos.awaitState("swapped", TASK_RUNNING);
        await().atMost(WAIT).until(() -> mesos.cluster.agent(AGENT_A).outstandingUpdates() == 0);

        int mark = mesos.events.size();
        int callsBefore = mesos.calls.all().size();
        mesos.cluster.faults().failoverMaster();
        URI second = mesos.cluster.masterUrl();
        assertThat(second.getPort()).isNotEqualTo(first.getPort());

        assertThat(mesos.awaitSubscription(2).frameworkId()).isEqualTo(frameworkId);
        assertThat(awaitUpdateSince(mark, s -> s.taskId().equals("swapped") && reconciliation(s)).state())
                .isEqualTo(TASK_RUNNING);
        List<CallLog.Exchange> after = mesos.calls.all().subList(callsBefore, mesos.calls.all().size());
        assertThat(after).filteredOn(c -> c.type().equals("SUBSCRIBE") && c.status() == 307)
                .isNotEmpty().allSatisfy(c -> assertThat(c.port()).isEqualTo(first.getPort()));
        assertThat(after).filteredOn(c -> c.type().equals("SUBSCRIBE") && c.status() == 200)
                .singleElement().satisfies(c -> assertThat(c.port()).isEqualTo(second.getPort()));
        assertThat(after).filteredOn(c -> c.type().equals("RECONCILE"))
                .isNotEmpty().allSatisfy(c -> assertThat(c.port()).isEqualTo(second.getPort()));
    }

    @Test
    void aCallRefusedByTheOldLeaderAfterResubscribingLeavesTheNewSubscriptionAlone() throws Exception {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)).standbyMaster(true));
        URI first = mesos.cluster.masterUrl();
        MesosSchedulerDriver driver = mesos.driver(first, new InMemoryFrameworkIdStore());
        mesos.awaitSubscription(1);

        // a call of the first subscription is on its way to the first master while the masters swap
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = mesos.calls.holdNext("KILL", release);
        driver.kill("in-flight", Optional.empty());
        assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        mesos.cluster.faults().failoverMaster();
        mesos.awaitSubscription(2);
        int mark = mesos.events.size();

        release.countDown();   // it arrives late, at the old leader, which answers 307

        await().atMost(WAIT).until(() -> mesos.calls.ofType("KILL").stream()
                .anyMatch(c -> c.status() == 307 && c.port() == first.getPort()));
        // the refusal is about the old subscription: the new one keeps working (this answer comes on its stream)
        driver.reconcile(List.of(TaskRef.of("after-the-stale-call", mesos.agentId(AGENT_A))));
        awaitUpdateSince(mark, s -> s.taskId().equals("after-the-stale-call"));
        assertThat(EventLog.of(mesos.events.since(mark), SchedulerEvent.Disconnected.class)).isEmpty();
        assertThat(mesos.events.subscriptions()).hasSize(2);
    }

    @Test
    void startsOverAsANewFrameworkAfterItWasTornDown() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)));
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore();
        MesosSchedulerDriver driver = mesos.driver(mesos.cluster.masterUrl(), ids);
        String removed = mesos.awaitSubscription(1).frameworkId();
        mesos.launchSleeper(driver, AGENT_A, "torn-down");
        mesos.awaitState("torn-down", TASK_RUNNING);

        driver.teardown();

        String fresh = mesos.awaitSubscription(2).frameworkId();
        assertThat(fresh).isNotEqualTo(removed);
        assertThat(ids.load()).contains(fresh);
        assertThat(driver.subscribedFrameworkId()).contains(fresh);
        assertThat(mesos.events.errors()).singleElement().satisfies(e -> assertThat(e.frameworkRemoved()).isTrue());
        // SUBSCRIBE as new, with the removed ID (answered by ERROR), as new again
        assertThat(mesos.calls.ofType("SUBSCRIBE")).extracting(s -> s.body().at("/framework_id/value").asText(""))
                .containsExactly("", removed, "");
        await().atMost(WAIT).until(() -> mesos.liveTasksByAgent().isEmpty());
    }

    @Test
    void registersAnewWhenTheStoredFrameworkIdWasRemovedMeanwhile() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A)));
        // a controller run whose framework Mesos removes once its failover timeout runs out after the controller stopped
        SchedulerDriverConfig shortLived = withFramework(DriverHarness.config(mesos.cluster.masterUrl()),
                FrameworkInfo.forEveryAgent("root", "calico-dcos-test", ROLE).withFailoverTimeout(Duration.ofMillis(300)));
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore();
        MesosSchedulerDriver previous = mesos.driver(shortLived, ids, List::of, mesos.events);
        String removed = mesos.awaitSubscription(1).frameworkId();
        previous.close();
        await().atMost(WAIT).until(() -> frameworkIds().isEmpty());

        EventLog log = new EventLog();
        mesos.driver(DriverHarness.config(mesos.cluster.masterUrl()), ids, List::of, log);

        await().atMost(WAIT).until(() -> !log.subscriptions().isEmpty());
        assertThat(log.errors()).singleElement().satisfies(e -> {
            assertThat(e.frameworkRemoved()).isTrue();
            assertThat(e.message()).isEqualTo(SchedulerEvent.Error.FRAMEWORK_REMOVED);
        });
        String fresh = log.subscriptions().get(0).frameworkId();
        assertThat(fresh).isNotEqualTo(removed);
        assertThat(ids.load()).contains(fresh);
        assertThat(frameworkIds()).containsExactly(fresh);
    }

    @Test
    void launchesNothingTwiceAcrossFailoverAndReconnect() throws IOException {
        start(DriverHarness.simulator(AgentSpec.privateAgent(AGENT_A), AgentSpec.privateAgent(AGENT_B)));
        String agentA = mesos.agentId(AGENT_A);
        String agentB = mesos.agentId(AGENT_B);
        OneSleeperPerAgent scheduler = new OneSleeperPerAgent(Set.of(agentA, agentB), mesos.events);
        // the master fails over while the first launches are being decided: their ACCEPTs go to a master that no
        // longer knows the framework (or are dropped with the ending subscription) and must never be replayed
        scheduler.beforeFirstLaunch = () -> mesos.cluster.faults().failoverMaster();
        MesosSchedulerDriver driver = mesos.build(DriverHarness.config(mesos.cluster.masterUrl()),
                new InMemoryFrameworkIdStore(), scheduler::known, scheduler);
        scheduler.driver = driver;
        driver.start();

        await().atMost(WAIT).until(() -> scheduler.running(agentA) && scheduler.running(agentB));
        assertThat(mesos.events.subscriptions()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(mesos.events.updates("once-1")).as("the lost launch, answered by reconciliation")
                .extracting(TaskStatus::state).containsOnly(TASK_GONE);
        assertOneTaskPerAgent(scheduler, agentA, agentB);

        // a stalled stream: the driver gives up on it and resubscribes; reconciliation and new offers follow
        int mark = mesos.events.size();
        int subscriptions = mesos.events.subscriptions().size();
        mesos.cluster.faults().stallEventStreams(true);
        await().atMost(WAIT).until(() -> !EventLog.of(mesos.events.since(mark), SchedulerEvent.Disconnected.class).isEmpty());
        mesos.cluster.faults().stallEventStreams(false);
        mesos.awaitSubscription(subscriptions + 1);
        await().atMost(WAIT).until(() -> offeredSince(mark, agentA) && offeredSince(mark, agentB)
                && EventLog.updates(mesos.events.since(mark)).stream().filter(SchedulerDriverOnSimulatorTest::reconciliation)
                        .map(TaskStatus::agentId).flatMap(Optional::stream).distinct().count() == 2);
        assertOneTaskPerAgent(scheduler, agentA, agentB);

        // another master failover with both tasks running
        int mark2 = mesos.events.size();
        mesos.cluster.faults().failoverMaster();
        await().atMost(WAIT).until(() -> !EventLog.of(mesos.events.since(mark2), SchedulerEvent.Subscribed.class).isEmpty()
                && offeredSince(mark2, agentA) && offeredSince(mark2, agentB));
        assertOneTaskPerAgent(scheduler, agentA, agentB);
    }

    // ---------------------------------------------------------------- helpers

    private void assertOneTaskPerAgent(OneSleeperPerAgent scheduler, String agentA, String agentB) {
        Map<String, List<String>> live = mesos.liveTasksByAgent();
        assertThat(live).containsOnlyKeys(agentA, agentB);
        assertThat(live.get(agentA)).singleElement().isEqualTo(scheduler.taskOn(agentA));
        assertThat(live.get(agentB)).singleElement().isEqualTo(scheduler.taskOn(agentB));
        assertThat(mesos.sandboxTaskIds(AGENT_A)).as("tasks ever started on A").containsExactly(scheduler.taskOn(agentA));
        assertThat(mesos.sandboxTaskIds(AGENT_B)).as("tasks ever started on B").containsExactly(scheduler.taskOn(agentB));
    }

    private boolean offeredSince(int mark, String agentId) {
        return EventLog.of(mesos.events.since(mark), SchedulerEvent.Offers.class).stream()
                .flatMap(o -> o.offers().stream()).anyMatch(o -> o.agentId().equals(agentId));
    }

    private TaskStatus awaitUpdateSince(int mark, Predicate<TaskStatus> which) {
        await().atMost(WAIT).until(() -> EventLog.updates(mesos.events.since(mark)).stream().anyMatch(which));
        return EventLog.updates(mesos.events.since(mark)).stream().filter(which).findFirst().orElseThrow();
    }

    private static boolean reconciliation(TaskStatus status) {
        return status.reason().filter("REASON_RECONCILIATION"::equals).isPresent();
    }

    private List<String> frameworkIds() {
        List<String> ids = new ArrayList<>();
        mesos.masterState().path("frameworks").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    private static SchedulerDriverConfig withFramework(SchedulerDriverConfig c, FrameworkInfo framework) {
        return new SchedulerDriverConfig(c.endpoint(), framework, c.connectTimeout(), c.callTimeout(), c.subscribeTimeout(),
                c.missedHeartbeats(), c.initialBackoff(), c.maxBackoff(), c.maxRedirects(), c.maxRecordBytes(),
                c.minReviveInterval(), c.explicitReconcileRetry(), c.maxExplicitReconcileRetry(),
                c.implicitReconcileInterval(), c.autoAcknowledge());
    }

    /**
     * A minimal scheduler on top of the driver: one sleeper per agent, its knowledge built only from what the
     * driver delivers (a task is believed in from its launch until a terminal update, e.g. TASK_GONE from
     * reconciliation when its ACCEPT was lost).
     */
    private static final class OneSleeperPerAgent implements SchedulerListener {
        private final Set<String> agents;
        private final EventLog log;
        private final Map<String, String> taskByAgent = new ConcurrentHashMap<>();
        private final Map<String, TaskState> states = new ConcurrentHashMap<>();
        private final AtomicInteger sequence = new AtomicInteger();
        private final AtomicBoolean launchedOnce = new AtomicBoolean();
        volatile MesosSchedulerDriver driver;
        volatile Runnable beforeFirstLaunch = () -> { };

        OneSleeperPerAgent(Set<String> agents, EventLog log) {
            this.agents = agents;
            this.log = log;
        }

        @Override
        public void onEvent(SchedulerEvent event) {
            log.onEvent(event);
            if (event instanceof SchedulerEvent.Offers offers) {
                for (Offer offer : offers.offers()) {
                    if (agents.contains(offer.agentId()) && !taskByAgent.containsKey(offer.agentId())) {
                        if (launchedOnce.compareAndSet(false, true)) {
                            beforeFirstLaunch.run();
                        }
                        String taskId = "once-" + sequence.incrementAndGet();
                        taskByAgent.put(offer.agentId(), taskId);
                        driver.accept(List.of(offer.id()), List.of(sleeper(offer, taskId)), Optional.of(Duration.ofMillis(300)));
                    } else {
                        driver.decline(List.of(offer.id()), Duration.ofMillis(300));
                    }
                }
            } else if (event instanceof SchedulerEvent.Update update) {
                TaskStatus status = update.status();
                states.put(status.taskId(), status.state());
                if (status.state().terminal()) {
                    taskByAgent.values().remove(status.taskId());
                }
            }
        }

        Collection<TaskRef> known() {
            return taskByAgent.entrySet().stream().map(e -> TaskRef.of(e.getValue(), e.getKey())).toList();
        }

        String taskOn(String agentId) {
            return taskByAgent.get(agentId);
        }

        boolean running(String agentId) {
            String task = taskByAgent.get(agentId);
            return task != null && states.get(task) == TASK_RUNNING;
        }
    }
}
