package dev.calicodcos.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.Resource;
import dev.calicodcos.controller.mesos.ResourceOrigin;
import dev.calicodcos.controller.mesos.SchedulerDriver;
import dev.calicodcos.controller.mesos.SchedulerEvent;
import dev.calicodcos.controller.mesos.TaskLaunch;
import dev.calicodcos.controller.mesos.TaskRef;
import dev.calicodcos.controller.mesos.TaskState;
import dev.calicodcos.controller.mesos.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the framework keeps offers away at scale: everything it does not need is declined for an hour,
 * every agent covered means SUPPRESS, and only a change that makes an agent launchable REVIVEs.
 */
class NodeAgentFrameworkTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RecordingDriver driver = new RecordingDriver();
    private final NodeAgentTaskFactory factory = new NodeAgentTaskFactory("0.1.0",
            new FetchedArtifact("http://c:8080/artifacts/runtime.tar.gz", "b".repeat(64)),
            new FetchedArtifact("http://c:8080/artifacts/calico-dcos.jar", "a".repeat(64)), List.of(), 0.1, 64, Map.of());
    private final NodeAgentFramework framework = new NodeAgentFramework(self -> driver, factory, Clock.systemUTC(),
            Duration.ZERO, new SimpleMeterRegistry());
    private final Map<String, String> offerAgents = new ConcurrentHashMap<>();
    private int offers;

    /** Subscribed with {@code desired} known; the settle window is zero, so launches are allowed at once. */
    private void subscribe(String... desired) {
        framework.lead();
        framework.setDesired(Set.of(desired));
        framework.onEvent(new SchedulerEvent.Subscribed("fw", Duration.ofSeconds(15), Optional.empty()));
        await().atMost(WAIT).until(() -> driver.revives.get() == 1);    // launchable agents: filters of an earlier subscription go
    }

    @AfterEach
    void close() {
        framework.close();
    }

    @Test
    void declinesWhatItDoesNotNeedForAnHourAndSuppressesOnceEveryAgentHasItsNodeAgent() {
        subscribe("a1", "a2");

        framework.onEvent(offers("a1", "a2", "a3"));

        assertThat(driver.accepts).extracting(Call::agent).containsExactlyInAnyOrder("a1", "a2");
        assertThat(driver.accepts).extracting(Call::refuse).containsOnly(NodeAgentFramework.LONG_REFUSE);
        assertThat(driver.declines).singleElement().satisfies(d -> {
            assertThat(d.agent()).isEqualTo("a3");
            assertThat(d.refuse()).isEqualTo(Duration.ofHours(1));
        });
        assertThat(driver.suppresses.get()).as("both node agents are launching: no more offers wanted").isEqualTo(1);

        running("a1");
        running("a2");
        framework.setDesired(Set.of("a1", "a2"));

        assertThat(driver.suppresses.get()).as("suppressed once").isEqualTo(1);
        assertThat(driver.revives.get()).isEqualTo(1);
    }

    @Test
    void aNewAgentRevivesOnceAndGetsItsNodeAgent() {
        coverAll("a1");

        framework.setDesired(Set.of("a1", "a4"));
        framework.setDesired(Set.of("a1", "a4"));

        assertThat(driver.revives.get()).as("after the settle window and for a4").isEqualTo(2);
        framework.onEvent(offers("a1", "a4"));
        assertThat(driver.accepts).extracting(Call::agent).containsExactly("a1", "a4");
        assertThat(driver.declines).extracting(Call::agent).containsExactly("a1");
        assertThat(driver.suppresses.get()).isEqualTo(2);
    }

    @Test
    void aNodeAgentThatDiesIsRelaunchedAfterItsBackoffThroughARevive() {
        coverAll("a1");
        String first = driver.accepts.get(0).taskId();

        framework.onEvent(update(first, "a1", TaskState.TASK_FAILED));
        framework.onEvent(offers("a1"));

        assertThat(driver.declines).singleElement().satisfies(d -> assertThat(d.refuse())
                .as("in backoff: a short filter, so that a lost REVIVE costs seconds").isEqualTo(Duration.ofSeconds(5)));
        assertThat(driver.revives.get()).as("not while the backoff runs").isEqualTo(1);
        await().atMost(WAIT).until(() -> driver.revives.get() == 2);
        framework.onEvent(offers("a1"));
        assertThat(driver.accepts).extracting(Call::agent).containsExactly("a1", "a1");
        assertThat(driver.accepts.get(1).taskId()).isNotEqualTo(first);
    }

    @Test
    void aLeaderWithoutASubscriptionForLongerThanTheGraceSaysWhyUntilItResubscribes() {
        subscribe("a1");
        java.time.Instant now = java.time.Instant.now();
        assertThat(framework.problem(now.plusSeconds(3600))).as("subscribed").isEmpty();

        framework.onEvent(new SchedulerEvent.Disconnected("HTTP 503"));

        assertThat(framework.problem(java.time.Instant.now().plusSeconds(5))).as("within the grace").isEmpty();
        assertThat(framework.problem(java.time.Instant.now().plus(NodeAgentFramework.SUBSCRIPTION_GRACE).plusSeconds(5)))
                .hasValueSatisfying(p -> assertThat(p).startsWith("not subscribed to the Mesos master for ").contains("(HTTP 503)"));

        framework.onEvent(new SchedulerEvent.Subscribed("fw", Duration.ofSeconds(15), Optional.empty()));
        assertThat(framework.problem(java.time.Instant.now().plusSeconds(3600))).isEmpty();
        framework.standDown();
        assertThat(framework.problem(java.time.Instant.now().plusSeconds(3600))).as("a standby has no subscription to miss").isEmpty();
    }

    @Test
    void aNewLeaderKillsAndLaunchesNothingUntilItsFirstPassSaysWhichAgentsWantANodeAgent() {
        framework.lead();
        framework.onEvent(new SchedulerEvent.Subscribed("fw", Duration.ofSeconds(15), Optional.empty()));
        String previousLeaders = NodeAgentTask.taskId("a1", factory.version(), 7);

        framework.onEvent(update(previousLeaders, "a1", TaskState.TASK_RUNNING));    // implicit reconciliation's answer
        framework.onEvent(offers("a2"));

        assertThat(driver.kills).as("a1's node agent is not unwanted: nothing is known yet").isEmpty();
        assertThat(driver.accepts).isEmpty();
        assertThat(driver.declines).extracting(Call::agent).containsExactly("a2");

        framework.setDesired(Set.of("a1", "a2"));
        assertThat(driver.kills).isEmpty();
        framework.setDesired(Set.of("a2"));
        assertThat(driver.kills).containsExactly(previousLeaders);
    }

    @Test
    void eventsTheClosedDriverStillDeliversAfterStandingDownAreIgnored() {
        coverAll("a1");
        framework.standDown();

        assertThatCode(() -> {
            framework.onEvent(new SchedulerEvent.Subscribed("fw", Duration.ofSeconds(15), Optional.empty()));
            framework.onEvent(offers("a1"));
        }).doesNotThrowAnyException();
        assertThat(driver.declines).as("a standby answers no offer").isEmpty();
    }

    @Test
    void aLateOrDuplicatedUpdateNeverBringsBackANodeAgentThatEnded() {
        coverAll("a1");
        String first = driver.accepts.get(0).taskId();

        framework.onEvent(update(first, "a1", TaskState.TASK_FAILED));
        framework.onEvent(update(first, "a1", TaskState.TASK_FAILED));     // resent until acknowledged
        framework.onEvent(update(first, "a1", TaskState.TASK_RUNNING));    // a reconciliation answer that crossed the failure

        assertThat(framework.knownTasks()).as("the ended task stays ended").isEmpty();
        await().atMost(WAIT).until(() -> driver.revives.get() == 2);
        framework.onEvent(offers("a1"));
        assertThat(driver.accepts).as("a1 gets a new node agent").extracting(Call::agent).containsExactly("a1", "a1");
    }

    @Test
    void anUpdateOlderThanTheLastOneSeenDoesNotChangeTheTasksState() {
        coverAll("a1");
        String taskId = driver.accepts.get(0).taskId();
        Instant t = Instant.parse("2026-12-01T10:00:00Z");

        framework.onEvent(update(taskId, "a1", TaskState.TASK_RUNNING, t));
        framework.onEvent(update(taskId, "a1", TaskState.TASK_STARTING, t.minusSeconds(2)));

        assertThat(framework.tasks()).extracting(NodeAgentTask::state).containsExactly(TaskState.TASK_RUNNING);
    }

    @Test
    void aLaunchThatFailsAtOnceIsRetriedThroughAReviveThoughOffersWereNeverSuppressed() {
        subscribe("a1", "a2");
        framework.onEvent(offers("a1"));                   // a2 still waits for an offer: not suppressed
        String first = driver.accepts.get(0).taskId();

        framework.onEvent(update(first, "a1", TaskState.TASK_ERROR));

        assertThat(driver.suppresses.get()).isZero();
        await().atMost(WAIT).until(() -> driver.revives.get() == 2);   // the whole offer was refused with the ACCEPT
    }

    @Test
    void anOfferTooSmallForANodeAgentIsNotRevivedAgainAndAgain() {
        subscribe("a1");

        framework.onEvent(new SchedulerEvent.Offers(List.of(offer("a1", 0.01))));
        framework.setDesired(Set.of("a1"));
        framework.onEvent(update("other", "a9", TaskState.TASK_RUNNING));

        assertThat(driver.declines).singleElement().satisfies(d -> assertThat(d.refuse()).isEqualTo(Duration.ofHours(1)));
        assertThat(driver.revives.get()).as("a bigger offer passes the filter by itself").isEqualTo(1);
        assertThat(driver.suppresses.get()).as("a1 still waits for resources").isZero();
    }

    /** {@code agents} desired and their node agents running; the framework ends suppressed. */
    private void coverAll(String... agents) {
        subscribe(agents);
        framework.onEvent(offers(agents));
        for (String agent : agents) {
            running(agent);
        }
        assertThat(driver.suppresses.get()).isEqualTo(1);
    }

    private void running(String agent) {
        String taskId = driver.accepts.stream().filter(c -> c.agent().equals(agent)).reduce((a, b) -> b).orElseThrow().taskId();
        framework.onEvent(update(taskId, agent, TaskState.TASK_RUNNING));
    }

    private SchedulerEvent.Offers offers(String... agents) {
        return new SchedulerEvent.Offers(java.util.Arrays.stream(agents).map(a -> offer(a, 1)).toList());
    }

    private Offer offer(String agent, double cpus) {
        String id = "o" + ++offers;
        offerAgents.put(id, agent);
        return new Offer(id, "fw", agent, agent + ".example.com", Optional.of("*"),
                List.of(Resource.scalar("cpus", cpus, ResourceOrigin.of("*", "*")), Resource.scalar("mem", 1024, ResourceOrigin.of("*", "*"))),
                Map.of(), List.of());
    }

    private static SchedulerEvent.Update update(String taskId, String agent, TaskState state) {
        return update(taskId, agent, state, null);
    }

    private static SchedulerEvent.Update update(String taskId, String agent, TaskState state, Instant timestamp) {
        return new SchedulerEvent.Update(new TaskStatus(taskId, state, state.name(), Optional.of(agent), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.ofNullable(timestamp), Optional.empty(), Optional.empty()));
    }

    /** An ACCEPT (with the launched task) or a DECLINE of one offer, with the filter it asked for. */
    record Call(String offerId, String agent, String taskId, Duration refuse) {}

    /** Records what the framework asks of Mesos; a declined offer's agent is looked up from the offers made. */
    private final class RecordingDriver implements SchedulerDriver {
        final List<Call> accepts = new CopyOnWriteArrayList<>();
        final List<Call> declines = new CopyOnWriteArrayList<>();
        final AtomicInteger revives = new AtomicInteger();
        final AtomicInteger suppresses = new AtomicInteger();
        final List<String> kills = new CopyOnWriteArrayList<>();

        @Override
        public void start() {}

        @Override
        public void accept(List<String> offerIds, List<TaskLaunch> tasks, Optional<Duration> refuse) {
            TaskLaunch task = tasks.get(0);
            accepts.add(new Call(offerIds.get(0), task.agentId(), task.taskId(), refuse.orElseThrow()));
        }

        @Override
        public void decline(List<String> offerIds, Duration refuse) {
            offerIds.forEach(id -> declines.add(new Call(id, offerAgents.get(id), "", refuse)));
        }

        @Override
        public void revive(Collection<String> roles) {
            revives.incrementAndGet();
        }

        @Override
        public void suppress(Collection<String> roles) {
            suppresses.incrementAndGet();
        }

        @Override
        public void kill(String taskId, Optional<String> agentId) {
            kills.add(taskId);
        }

        @Override
        public void acknowledge(TaskStatus status) {}

        @Override
        public void reconcile(Collection<TaskRef> tasks) {}

        @Override
        public void teardown() {}

        @Override
        public Optional<String> subscribedFrameworkId() {
            return Optional.of("fw");
        }

        @Override
        public void close() {}
    }
}
