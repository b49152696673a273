package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MesosSchedulerDriverTest {
    private static final String FW = "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-0007";
    private static final String AGENT = "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S0";

    private final FakeSchedulerApi master = new FakeSchedulerApi();
    private final List<SchedulerEvent> events = new CopyOnWriteArrayList<>();
    private MesosSchedulerDriver driver;

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        master.close();
    }

    @Test
    void firstSubscriptionRegistersANewFrameworkAndPersistsItsId() {
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore();
        start(ids, List::of);

        FakeSchedulerApi.Stream stream = master.nextStream();
        assertThat(stream.subscribe.method()).isEqualTo("POST");
        assertThat(stream.subscribe.header("Content-Type")).isEqualTo("application/json");
        assertThat(stream.subscribe.header("Accept")).isEqualTo("application/json");
        assertThat(stream.subscribe.header("Mesos-Stream-Id")).isNull();
        assertThat(stream.subscribe.body().has("framework_id")).isFalse();
        assertThat(stream.subscribe.body().at("/subscribe/framework_info/roles").toString())
                .isEqualTo("[\"calico-dcos-role\",\"slave_public\"]");
        assertThat(stream.subscribe.body().at("/subscribe/framework_info/checkpoint").asBoolean()).isTrue();

        stream.subscribed(FW, 60).send("{\"type\":\"HEARTBEAT\"}");

        await().until(() -> events.stream().anyMatch(e -> e instanceof SchedulerEvent.Subscribed));
        assertThat(events.get(0)).isEqualTo(new SchedulerEvent.Subscribed(FW, Duration.ofSeconds(60), Optional.empty()));
        assertThat(ids.load()).contains(FW);
        assertThat(driver.subscribedFrameworkId()).contains(FW);
    }

    @Test
    void everyCallCarriesTheStreamIdAndFrameworkIdWithAnExactJsonContentType() {
        start(new InMemoryFrameworkIdStore(), List::of);
        FakeSchedulerApi.Stream stream = master.nextStream().subscribed(FW, 60);
        awaitSubscribed();

        driver.decline(List.of("O1"), Duration.ofHours(1));
        driver.suppress(List.of());
        driver.kill("task-1", Optional.of(AGENT));

        for (String type : List.of("DECLINE", "SUPPRESS", "KILL")) {
            FakeSchedulerApi.Recorded call = master.nextCall();
            assertThat(call.type()).isEqualTo(type);
            assertThat(call.header("Mesos-Stream-Id")).isEqualTo(stream.streamId);
            assertThat(call.header("Content-Type")).isEqualTo("application/json");
            assertThat(call.body().at("/framework_id/value").asText()).isEqualTo(FW);
        }
    }

    @Test
    void acknowledgesExactlyTheUpdatesThatCarryAUuid() {
        start(new InMemoryFrameworkIdStore(), List::of);
        FakeSchedulerApi.Stream stream = master.nextStream().subscribed(FW, 60);
        awaitSubscribed();

        stream.send(new String(Fixtures.reference("event-update-running.json")).replace("\n", ""));
        stream.send(new String(Fixtures.reference("event-update-reconciliation.json")).replace("\n", ""));
        await().until(() -> events.stream().filter(e -> e instanceof SchedulerEvent.Update).count() == 2);
        driver.suppress(List.of());   // a marker: calls are sent in order, so every ack is already out

        FakeSchedulerApi.Recorded ack = master.nextCall();
        assertThat(ack.type()).isEqualTo("ACKNOWLEDGE");
        assertThat(ack.body().at("/acknowledge/uuid").asText()).isEqualTo("Vqy6dY5ZQ6GzzD69xzeEwQ==");
        assertThat(ack.body().at("/acknowledge/agent_id/value").asText()).isEqualTo(AGENT);
        assertThat(master.nextCall().type()).isEqualTo("SUPPRESS");
    }

    @Test
    void leavesAnUpdateUnacknowledgedWhenTheListenerFails() {
        driver = new MesosSchedulerDriver(new OkHttpClient(), config(), new InMemoryFrameworkIdStore(), List::of,
                event -> {
                    events.add(event);
                    if (event instanceof SchedulerEvent.Update) {
                        throw new IllegalStateException("store down");
                    }
                }, new ObjectMapper());
        driver.start();
        FakeSchedulerApi.Stream stream = master.nextStream().subscribed(FW, 60);
        awaitSubscribed();

        stream.send(new String(Fixtures.reference("event-update-running.json")).replace("\n", ""));
        await().until(() -> events.stream().anyMatch(e -> e instanceof SchedulerEvent.Update));
        driver.suppress(List.of());

        assertThat(master.nextCall().type()).isEqualTo("SUPPRESS");
    }

    @Test
    void resubscribesWithTheSameFrameworkIdWhenHeartbeatsStop() {
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore();
        start(ids, List::of);
        FakeSchedulerApi.Stream first = master.nextStream().subscribed(FW, 0.1);
        awaitSubscribed();

        FakeSchedulerApi.Stream second = master.nextStream();   // nothing more was sent on the first stream

        assertThat(second.subscribe.body().at("/framework_id/value").asText()).isEqualTo(FW);
        assertThat(second.subscribe.body().at("/subscribe/framework_info/id/value").asText()).isEqualTo(FW);
        assertThat(second.subscribe.header("Mesos-Stream-Id")).isNull();
        await().until(() -> events.stream().anyMatch(e -> e instanceof SchedulerEvent.Disconnected));
        assertThat(events).contains(new SchedulerEvent.Disconnected("no event from the master in time"));
        assertThat(first.streamId).isNotEqualTo(second.streamId);
    }

    @Test
    void resubscribesWhenTheStreamEnds() {
        start(new InMemoryFrameworkIdStore(FW), List::of);
        FakeSchedulerApi.Stream first = master.nextStream();
        assertThat(first.subscribe.body().at("/framework_id/value").asText()).isEqualTo(FW);
        first.subscribed(FW, 60);
        awaitSubscribed();

        first.end();

        FakeSchedulerApi.Stream second = master.nextStream().subscribed(FW, 60);
        await().until(() -> events.stream().filter(e -> e instanceof SchedulerEvent.Subscribed).count() == 2);
        driver.revive(List.of("slave_public"));
        FakeSchedulerApi.Recorded revive = master.nextCall("REVIVE");
        assertThat(revive.header("Mesos-Stream-Id")).isEqualTo(second.streamId);
        assertThat(revive.body().at("/revive/roles").toString()).isEqualTo("[\"slave_public\"]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a stream cut inside a record | 20\\n{\"type\" | stream ended inside a record: 7 of 20 bytes read",
            "a malformed length           | {\"type\":\"HEARTBEAT\"}\\n | unexpected byte 123 in record length"})
    void aBrokenStreamEndsTheSubscriptionSayingWhyAndResubscribes(String what, String bytes, String reason) {
        start(new InMemoryFrameworkIdStore(FW), List::of);
        FakeSchedulerApi.Stream first = master.nextStream().subscribed(FW, 60);
        awaitSubscribed();

        first.sendRaw(bytes.replace("\\n", "\n"));
        first.end();

        master.nextStream().subscribed(FW, 60);
        await().until(() -> events.stream().filter(e -> e instanceof SchedulerEvent.Subscribed).count() == 2);
        assertThat(events).contains(new SchedulerEvent.Disconnected(reason));
    }

    @Test
    void followsTheLeaderRedirectOnSubscribeAndSendsLaterCallsToTheLeader() {
        try (FakeSchedulerApi leader = new FakeSchedulerApi()) {
            master.leaderHostPort = leader.hostPort();
            start(new InMemoryFrameworkIdStore(), List::of);

            FakeSchedulerApi.Stream stream = leader.nextStream().subscribed(FW, 60);
            awaitSubscribed();
            driver.suppress(List.of());

            assertThat(leader.nextCall().header("Mesos-Stream-Id")).isEqualTo(stream.streamId);
            assertThat(master.refused).hasSize(1);
            assertThat(stream.subscribe.header("Mesos-Stream-Id")).isNull();
            driver.close();   // before the leader goes away
        }
    }

    @Test
    void retriesASubscriptionTheMasterCannotServeYet() {
        master.subscribeStatuses.add(503);
        master.subscribeStatuses.add(503);
        start(new InMemoryFrameworkIdStore(), List::of);

        master.nextStream().subscribed(FW, 60);

        awaitSubscribed();
        assertThat(master.refused).hasSize(2);
    }

    @Test
    void resubscribesWhenACallSaysTheFrameworkIsNotSubscribed() {
        start(new InMemoryFrameworkIdStore(), List::of);
        FakeSchedulerApi.Stream first = master.nextStream().subscribed(FW, 60);
        awaitSubscribed();
        master.callStatuses.add(403);

        driver.suppress(List.of());

        FakeSchedulerApi.Stream second = master.nextStream();
        assertThat(second.subscribe.body().at("/framework_id/value").asText()).isEqualTo(FW);
        assertThat(second.streamId).isNotEqualTo(first.streamId);
    }

    @Test
    void registersAsANewFrameworkWhenTheOldOneWasRemoved() {
        InMemoryFrameworkIdStore ids = new InMemoryFrameworkIdStore("retired-0001");
        start(ids, List::of);
        FakeSchedulerApi.Stream first = master.nextStream();
        assertThat(first.subscribe.body().at("/framework_id/value").asText()).isEqualTo("retired-0001");

        first.send("{\"type\":\"ERROR\",\"error\":{\"message\":\"Framework has been removed\"}}");
        first.end();

        FakeSchedulerApi.Stream second = master.nextStream();
        assertThat(second.subscribe.body().has("framework_id")).isFalse();
        assertThat(second.subscribe.body().at("/subscribe/framework_info").has("id")).isFalse();
        second.subscribed(FW, 60);
        awaitSubscribed();
        assertThat(ids.load()).contains(FW);
        assertThat(events).anyMatch(e -> e instanceof SchedulerEvent.Error error && error.frameworkRemoved());
    }

    @Test
    void takesTheFrameworkBackAfterTheBackoffWhenAnotherSchedulerSubscribedWithItsId() {
        start(new InMemoryFrameworkIdStore(FW), List::of);
        FakeSchedulerApi.Stream stream = master.nextStream().subscribed(FW, 60);
        awaitSubscribed();

        stream.send("{\"type\":\"ERROR\",\"error\":{\"message\":\"Framework failed over\"}}");

        FakeSchedulerApi.Stream again = master.nextStream();
        assertThat(again.subscribe.body().at("/framework_id/value").asText()).as("the same framework, not a new one").isEqualTo(FW);
        again.subscribed(FW, 60);
        await().until(() -> events.stream().filter(e -> e instanceof SchedulerEvent.Subscribed).count() == 2);
        assertThat(events).anyMatch(e -> e instanceof SchedulerEvent.Error error && error.failedOver());
        assertThat(driver.running()).isTrue();
    }

    @Test
    void keepsTryingToLoadTheStoredFrameworkIdRatherThanSubscribingAsANewFramework() {
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        InMemoryFrameworkIdStore stored = new InMemoryFrameworkIdStore(FW);
        FrameworkIdStore flaky = new FrameworkIdStore() {
            @Override
            public Optional<String> load() {
                if (loads.incrementAndGet() < 3) {
                    throw new IllegalStateException("etcd unavailable");
                }
                return stored.load();
            }

            @Override
            public void save(String frameworkId) {
                stored.save(frameworkId);
            }

            @Override
            public void clear() {
                stored.clear();
            }
        };
        start(flaky, List::of);

        FakeSchedulerApi.Stream stream = master.nextStream();

        assertThat(loads.get()).isEqualTo(3);
        assertThat(stream.subscribe.body().at("/framework_id/value").asText()).isEqualTo(FW);
    }

    @Test
    void reconcilesKnownTasksExplicitlyAfterSubscribingAndRetriesUnansweredOnes() {
        TaskRef known = TaskRef.of("calico-dcos-node__5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S0__7f3c2a9e", AGENT);
        start(new InMemoryFrameworkIdStore(FW), () -> List.of(known));
        master.nextStream().subscribed(FW, 60);

        FakeSchedulerApi.Recorded first = master.nextCall("RECONCILE");
        assertThat(first.body().at("/reconcile/tasks/0/task_id/value").asText()).isEqualTo(known.taskId());
        assertThat(first.body().at("/reconcile/tasks/0/agent_id/value").asText()).isEqualTo(AGENT);
        FakeSchedulerApi.Recorded retry = master.nextCall("RECONCILE");
        assertThat(retry.body().at("/reconcile/tasks").size()).isEqualTo(1);
    }

    @Test
    void reconcilesImplicitlyOnATimer() {
        driver = new MesosSchedulerDriver(new OkHttpClient(), config().withReconciliation(Duration.ofSeconds(8),
                Duration.ofSeconds(30), Duration.ofMillis(100)), new InMemoryFrameworkIdStore(FW), List::of, events::add,
                new ObjectMapper());
        driver.start();
        master.nextStream().subscribed(FW, 60);

        FakeSchedulerApi.Recorded implicit = master.nextCall("RECONCILE");

        assertThat(implicit.body().get("reconcile").isEmpty()).isTrue();
    }

    @Test
    void dropsCallsMadeWhileNotSubscribed() {
        start(new InMemoryFrameworkIdStore(), List::of);
        FakeSchedulerApi.Stream stream = master.nextStream();   // SUBSCRIBED not sent yet

        driver.decline(List.of("O1"), Duration.ofSeconds(5));
        driver.suppress(List.of());
        stream.subscribed(FW, 60);
        awaitSubscribed();
        driver.kill("marker", Optional.empty());

        assertThat(master.nextCall().type()).isEqualTo("KILL");
    }

    @Test
    void acceptLaunchesWithTheOfferId() {
        start(new InMemoryFrameworkIdStore(), List::of);
        master.nextStream().subscribed(FW, 60);
        awaitSubscribed();
        Resource cpus = Resource.scalar("cpus", 0.1, ResourceOrigin.of("*", "calico-dcos-role"));
        TaskLaunch task = new TaskLaunch("calico-dcos-node", "node-1", AGENT, List.of(cpus),
                CommandSpec.exec("/bin/true", List.of("true")), java.util.Map.of(), Optional.empty());

        driver.accept(List.of("O9"), List.of(task), Optional.of(Duration.ofHours(1)));

        FakeSchedulerApi.Recorded accept = master.nextCall("ACCEPT");
        assertThat(accept.body().at("/accept/offer_ids/0/value").asText()).isEqualTo("O9");
        assertThat(accept.body().at("/accept/operations/0/launch/task_infos/0/command/shell").asBoolean()).isFalse();
        assertThat(accept.body().at("/accept/filters/refuse_seconds").asDouble()).isEqualTo(3600.0);
    }

    @Test
    void closeEndsTheSubscription() {
        start(new InMemoryFrameworkIdStore(), List::of);
        master.nextStream().subscribed(FW, 60);
        awaitSubscribed();

        driver.close();

        assertThat(driver.running()).isFalse();
        assertThat(events).last().isInstanceOf(SchedulerEvent.Disconnected.class);
    }

    private void start(FrameworkIdStore ids, Supplier<Collection<TaskRef>> knownTasks) {
        driver = new MesosSchedulerDriver(new OkHttpClient(), config(), ids, knownTasks, events::add, new ObjectMapper());
        driver.start();
    }

    private SchedulerDriverConfig config() {
        return SchedulerDriverConfig.defaults(MasterEndpoint.direct(master.url()),
                        FrameworkInfo.forEveryAgent("root", "calico-dcos", "calico-dcos-role"))
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .withReconciliation(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofHours(1));
    }

    private void awaitSubscribed() {
        await().until(() -> driver.subscribedFrameworkId().isPresent());
    }
}
