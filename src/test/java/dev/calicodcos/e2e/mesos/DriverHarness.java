package dev.calicodcos.e2e.mesos;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.mesos.CommandSpec;
import dev.calicodcos.controller.mesos.FrameworkIdStore;
import dev.calicodcos.controller.mesos.FrameworkInfo;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.controller.mesos.MesosSchedulerDriver;
import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.Resource;
import dev.calicodcos.controller.mesos.SchedulerDriverConfig;
import dev.calicodcos.controller.mesos.SchedulerEvent;
import dev.calicodcos.controller.mesos.SchedulerListener;
import dev.calicodcos.controller.mesos.TaskLaunch;
import dev.calicodcos.controller.mesos.TaskRef;
import dev.calicodcos.controller.mesos.TaskState;
import dev.calicodcos.controller.mesos.TaskStatus;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.SimulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A simulated cluster with short timings plus real {@link MesosSchedulerDriver}s (okhttp + Jackson, as in
 * production) that talk to it through a recording {@link CallLog}, and what the tests look at on both sides.
 */
final class DriverHarness implements AutoCloseable {
    static final String ROLE = "test-role";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    final SimulatedCluster cluster;
    final CallLog calls = new CallLog();
    final OkHttpClient http = new OkHttpClient.Builder().addInterceptor(calls).build();
    final EventLog events = new EventLog();
    /** What the default driver reconciles explicitly after each (re)subscription. */
    final List<TaskRef> knownTasks = new CopyOnWriteArrayList<>();
    private final OkHttpClient plain = new OkHttpClient();
    private final List<MesosSchedulerDriver> drivers = new CopyOnWriteArrayList<>();
    private final Set<String> usedOffers = ConcurrentHashMap.newKeySet();

    private DriverHarness(SimulatedCluster cluster) {
        this.cluster = cluster;
    }

    static SimulatedCluster.Builder simulator(AgentSpec... agents) {
        return SimulatedCluster.builder().agents(agents)
                .heartbeatInterval(HEARTBEAT)
                .allocationInterval(Duration.ofMillis(50))
                .statusUpdateRetry(Duration.ofMillis(300))
                .agentRestartDelay(Duration.ofMillis(300));
    }

    static DriverHarness start(SimulatedCluster.Builder simulator) throws IOException {
        return new DriverHarness(simulator.start());
    }

    /** Production defaults, with the timings shortened so that faults are noticed and healed in well under a second. */
    static SchedulerDriverConfig config(URI master) {
        return SchedulerDriverConfig.defaults(MasterEndpoint.direct(master.toString()),
                        FrameworkInfo.forEveryAgent("root", "calico-dcos-test", ROLE))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .withSubscribeTimeout(Duration.ofSeconds(2))
                .withMinReviveInterval(Duration.ofMillis(100))
                .withReconciliation(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofHours(1));
    }

    /** A started driver reporting to {@link #events} and reconciling {@link #knownTasks}. */
    MesosSchedulerDriver driver(URI master, FrameworkIdStore ids) {
        return driver(config(master), ids, () -> List.copyOf(knownTasks), events);
    }

    MesosSchedulerDriver driver(SchedulerDriverConfig config, FrameworkIdStore ids, Supplier<Collection<TaskRef>> known,
                                SchedulerListener listener) {
        MesosSchedulerDriver driver = build(config, ids, known, listener);
        driver.start();
        return driver;
    }

    /** A driver not started yet (for listeners that need the driver before the first event), closed with the harness. */
    MesosSchedulerDriver build(SchedulerDriverConfig config, FrameworkIdStore ids, Supplier<Collection<TaskRef>> known,
                               SchedulerListener listener) {
        MesosSchedulerDriver driver = new MesosSchedulerDriver(http, config, ids, known, listener, new ObjectMapper());
        drivers.add(driver);
        return driver;
    }

    // ---------------------------------------------------------------- scheduler side

    /** Waits for the {@code n}-th SUBSCRIBED (1-based) and returns it. */
    SchedulerEvent.Subscribed awaitSubscription(int n) {
        await().atMost(WAIT).until(() -> events.subscriptions().size() >= n);
        return events.subscriptions().get(n - 1);
    }

    /**
     * Waits for an offer of {@code host}'s resources made in the current subscription, not rescinded and
     * not used yet, and marks it used.
     */
    Offer awaitOffer(String host) {
        String agentId = agentId(host);
        Offer offer = await().atMost(WAIT).until(() -> freshOffer(agentId), Optional::isPresent).orElseThrow();
        usedOffers.add(offer.id());
        return offer;
    }

    private Optional<Offer> freshOffer(String agentId) {
        List<SchedulerEvent> all = events.all();
        int start = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) instanceof SchedulerEvent.Subscribed) {
                start = i;
            }
        }
        List<SchedulerEvent> current = all.subList(start, all.size());
        Set<String> rescinded = new HashSet<>();
        EventLog.of(current, SchedulerEvent.Rescind.class).forEach(r -> rescinded.add(r.offerId()));
        List<Offer> offers = new ArrayList<>();
        EventLog.of(current, SchedulerEvent.Offers.class).forEach(o -> offers.addAll(o.offers()));
        for (int i = offers.size() - 1; i >= 0; i--) {
            Offer offer = offers.get(i);
            if (offer.agentId().equals(agentId) && !rescinded.contains(offer.id()) && !usedOffers.contains(offer.id())) {
                return Optional.of(offer);
            }
        }
        return Optional.empty();
    }

    /** {@code /bin/sh -c 'sleep 600'} with shell: false, with 0.1 CPU and 32 MB carved from {@code offer}. */
    static TaskLaunch sleeper(Offer offer, String taskId) {
        return new TaskLaunch("sleeper", taskId, offer.agentId(), List.of(take(offer, "cpus", 0.1), take(offer, "mem", 32)),
                CommandSpec.exec("/bin/sh", List.of("/bin/sh", "-c", "sleep 600")), Map.of(), Optional.empty());
    }

    static Resource take(Offer offer, String name, double amount) {
        return offer.resources().stream().filter(r -> r.name().equals(name) && r.kind() == Resource.Kind.SCALAR)
                .findFirst().orElseThrow(() -> new AssertionError("offer " + offer.id() + " has no " + name))
                .withScalar(amount);
    }

    /** Accepts a fresh offer of {@code host} with a sleeper task and returns the task's reference. */
    TaskRef launchSleeper(MesosSchedulerDriver driver, String host, String taskId) {
        Offer offer = awaitOffer(host);
        driver.accept(List.of(offer.id()), List.of(sleeper(offer, taskId)), Optional.of(Duration.ofSeconds(1)));
        return TaskRef.of(taskId, offer.agentId());
    }

    /** Waits until an update of {@code taskId} with {@code state} was delivered, and returns the first such one. */
    TaskStatus awaitState(String taskId, TaskState state) {
        await().atMost(WAIT).until(() -> events.updates(taskId).stream().anyMatch(s -> s.state() == state));
        return events.updates(taskId).stream().filter(s -> s.state() == state).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- simulator side

    String agentId(String host) {
        return cluster.agent(host).id().getValue();
    }

    /** {@code GET /master/state} of the leading master. */
    JsonNode masterState() {
        Request request = new Request.Builder().url(cluster.masterUrl().resolve("/master/state").toString()).build();
        try (Response response = plain.newCall(request).execute()) {
            if (response.code() != 200 || response.body() == null) {
                throw new AssertionError("/master/state answered " + response.code());
            }
            return JSON.readTree(response.body().bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Non-terminal tasks the master lists, by agent ID (all frameworks). */
    Map<String, List<String>> liveTasksByAgent() {
        Map<String, List<String>> out = new TreeMap<>();
        for (JsonNode framework : masterState().path("frameworks")) {
            for (JsonNode task : framework.path("tasks")) {
                if (!TaskState.valueOf(task.path("state").asText()).terminal()) {
                    out.computeIfAbsent(task.path("slave_id").asText(), k -> new ArrayList<>()).add(task.path("id").asText());
                }
            }
        }
        return out;
    }

    /** State of a task as the master lists it, if it does. */
    Optional<String> masterTaskState(String taskId) {
        for (JsonNode framework : masterState().path("frameworks")) {
            for (JsonNode task : framework.path("tasks")) {
                if (task.path("id").asText().equals(taskId)) {
                    return Optional.of(task.path("state").asText());
                }
            }
        }
        return Optional.empty();
    }

    /** IDs of every task the agent ever started a sandbox for ({@code slaves/<agent>/frameworks/<fw>/executors/<task>}). */
    Set<String> sandboxTaskIds(String host) {
        Path slaves = cluster.workDir().resolve("agents").resolve(host).resolve("slaves");
        if (!Files.isDirectory(slaves)) {
            return Set.of();
        }
        try (Stream<Path> paths = Files.walk(slaves, 5)) {
            Set<String> ids = new HashSet<>();
            paths.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("executors")
                            && Files.isDirectory(p))
                    .forEach(p -> ids.add(p.getFileName().toString()));
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        drivers.forEach(MesosSchedulerDriver::close);
        cluster.close();
        for (OkHttpClient client : List.of(http, plain)) {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
