package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.SchedulerDriver;
import dev.calicodcos.controller.mesos.SchedulerEvent;
import dev.calicodcos.controller.mesos.SchedulerListener;
import dev.calicodcos.controller.mesos.TaskLaunch;
import dev.calicodcos.controller.mesos.TaskRef;
import dev.calicodcos.controller.mesos.TaskState;
import dev.calicodcos.controller.mesos.TaskStatus;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller as a Mesos framework: keeps one node-agent task of the current version on every
 * agent that has a plan. Decisions come from {@link FleetDecider}; this class only keeps the task
 * table and talks to the driver. Runs only while this replica leads.
 */
public final class NodeAgentFramework implements SchedulerListener, NodeAgentFleet {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgentFramework.class);
    /**
     * How long a declined offer stays away. Mesos' default, 5 s, would bring every agent we do not need back
     * every 5 s: 2,000 offers a second at 10,000 agents. An hour keeps them away until something changes, and
     * every change that makes us want an agent again REVIVEs, which clears our filters: an agent that newly
     * needs a node agent, a node agent that ended, the end of a backoff or of the reconciliation window.
     * (A node agent that ends also frees its resources, and a filter holds only what was offered, so that
     * agent's next offer passes its filter even before the REVIVE.)
     */
    static final Duration LONG_REFUSE = Duration.ofHours(1);
    /** For agents waiting for a relaunch backoff: Mesos' default, so that a lost REVIVE costs seconds, not an hour. */
    static final Duration SHORT_REFUSE = Duration.ofSeconds(5);
    /** How long a leader may be without a subscription before it is not ready: a resubscription takes seconds. */
    static final Duration SUBSCRIPTION_GRACE = Duration.ofSeconds(30);

    private final Function<NodeAgentFramework, SchedulerDriver> drivers;
    private final NodeAgentTaskFactory factory;
    private final Clock clock;
    private final Duration reconcileSettle;
    private final IntervalFunction relaunchBackoff = IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(1), 2.0, 0.3, Duration.ofMinutes(2));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "framework-timer");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, NodeAgentTask> tasks = new HashMap<>();
    private final Map<String, Instant> notBefore = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final TaskUpdates updates = new TaskUpdates(20_000);
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());
    private final Counter accepted;
    private final Counter declined;
    private Set<String> desired = Set.of();
    /**
     * Whether a pass of this leadership term has said which agents want a node agent. Until then the
     * framework neither kills nor launches: a new leader knows no agent yet, and every task that
     * reconciliation tells it of would look unwanted.
     */
    private boolean desiredKnown;
    private SchedulerDriver driver;
    private boolean launchesAllowed;
    /** Agents whose offers we refused since the last REVIVE: their filters may hide them from us. */
    private final Set<String> filtered = new HashSet<>();
    /** Right after (re)subscribing: the master may still hold filters of an earlier subscription (a failover keeps them). */
    private boolean filtersUnknown;
    private boolean suppressed;
    /** While leading and not subscribed: since when, and why (null while subscribed or not leading). */
    private Instant downSince;
    private String downReason;

    /** @param drivers builds the driver that reports to this framework (and reconciles its {@link #knownTasks()}) */
    public NodeAgentFramework(Function<NodeAgentFramework, SchedulerDriver> drivers, NodeAgentTaskFactory factory, Clock clock,
                              Duration reconcileSettle, MeterRegistry registry) {
        this.drivers = drivers;
        this.factory = factory;
        this.clock = clock;
        this.reconcileSettle = reconcileSettle;
        this.accepted = Counter.builder("calico_dcos_offers").tag("outcome", "accepted").description("Offers by outcome").register(registry);
        this.declined = Counter.builder("calico_dcos_offers").tag("outcome", "declined").description("Offers by outcome").register(registry);
    }

    /** Leadership gained: subscribe (with the stored framework id, so running tasks are kept). */
    @Override
    public synchronized void lead() {
        if (driver == null) {
            desiredKnown = false;
            launchesAllowed = false;
            downSince = clock.instant();
            downReason = "subscribing";
            driver = drivers.apply(this);
            driver.start();
        }
    }

    /** Leadership lost: stop talking to Mesos at once, but never tear the framework down. */
    @Override
    public synchronized void standDown() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
        downSince = null;
    }

    @Override
    public synchronized Optional<String> problem(Instant now) {
        if (driver == null || downSince == null || Duration.between(downSince, now).compareTo(SUBSCRIPTION_GRACE) <= 0) {
            return Optional.empty();
        }
        return Optional.of("not subscribed to the Mesos master for " + Duration.between(downSince, now).toSeconds() + "s ("
                + downReason + "): node agents are neither launched nor relaunched");
    }

    /** Called after every reconcile pass. New tasks get the extra resources; running ones keep theirs. */
    @Override
    public synchronized void setDesired(Set<String> agentIds) {
        desired = Set.copyOf(agentIds);
        desiredKnown = true;
        act(List.of());
    }

    public synchronized Collection<NodeAgentTask> tasks() {
        return List.copyOf(tasks.values());
    }

    /** What the driver reconciles explicitly after each (re)subscription. */
    public synchronized Collection<TaskRef> knownTasks() {
        return tasks.values().stream().filter(NodeAgentTask::live).map(t -> TaskRef.of(t.taskId(), t.agentId())).toList();
    }

    @Override
    public synchronized void onEvent(SchedulerEvent event) {
        if (driver == null) {
            return; // stood down: the last events of the closed driver's stream mean nothing to a standby
        }
        if (event instanceof SchedulerEvent.Subscribed subscribed) {
            LOG.info("subscribed frameworkId={}", subscribed.frameworkId());
            downSince = null;
            launchesAllowed = false;
            filtered.clear();
            filtersUnknown = true;
            suppressed = false;
            driver.reconcile(List.of()); // implicit: learn the tasks a previous leader launched
            timer.schedule(this::allowLaunches, reconcileSettle.toMillis(), TimeUnit.MILLISECONDS);
        } else if (event instanceof SchedulerEvent.Offers offers) {
            act(offers.offers());
        } else if (event instanceof SchedulerEvent.Update update) {
            record(update.status());
            act(List.of());
        } else if (event instanceof SchedulerEvent.Error error) {
            LOG.warn("framework error message={}", error.message());
        } else if (event instanceof SchedulerEvent.Disconnected disconnected) {
            downSince = downSince == null ? clock.instant() : downSince;
            downReason = disconnected.reason();
        }
    }

    private synchronized void actNow() {
        act(List.of());
    }

    private synchronized void allowLaunches() {
        launchesAllowed = true;
        act(List.of());
    }

    private void record(TaskStatus status) {
        if (!updates.isNews(status)) {
            LOG.debug("ignoring a stale task update task={} state={}", status.taskId(), status.state());
            return;
        }
        String agentId = status.agentId().orElse(null);
        Optional<NodeAgentTask> known = Optional.ofNullable(tasks.get(status.taskId()))
                .or(() -> agentId == null ? Optional.empty() : NodeAgentTask.fromTaskId(status.taskId(), agentId, status.state()));
        if (known.isEmpty()) {
            return;
        }
        NodeAgentTask task = new NodeAgentTask(known.get().taskId(), known.get().agentId(), known.get().version(), status.state());
        if (task.live()) {
            tasks.put(task.taskId(), task);
            if (status.state() == TaskState.TASK_RUNNING) {
                failures.remove(task.agentId());
            }
            return;
        }
        tasks.remove(task.taskId());
        if (desired.contains(task.agentId())) {
            int attempt = failures.merge(task.agentId(), 1, Integer::sum);
            Duration wait = Duration.ofMillis(relaunchBackoff.apply(attempt));
            notBefore.put(task.agentId(), clock.instant().plus(wait));
            LOG.info("node agent ended, relaunching agent={} state={} in={}ms", task.agentId(), status.state(), wait.toMillis());
            timer.schedule(this::actNow, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void act(List<Offer> offers) {
        if (driver == null) {
            return;
        }
        if (!desiredKnown) {
            decline(offers.stream().map(o -> new FleetDecider.Decline(o.id(), o.agentId(), FleetDecider.DeclineReason.NOT_SETTLED)).toList());
            return;
        }
        FleetDecider.Decision d = FleetDecider.decide(new FleetDecider.Input(desired, factory.version(), tasks.values(), offers,
                notBefore, clock.instant(), launchesAllowed, factory.cpus(), factory.memMb()));
        for (NodeAgentTask task : d.kill()) {
            LOG.info("killing node agent task={} agent={}", task.taskId(), task.agentId());
            tasks.put(task.taskId(), new NodeAgentTask(task.taskId(), task.agentId(), task.version(),
                    TaskState.TASK_KILLING));
            driver.kill(task.taskId(), Optional.of(task.agentId()));
        }
        for (FleetDecider.Launch launch : d.launches()) {
            TaskLaunch task = factory.launch(launch.offer(), launch.agentId(), sequence.incrementAndGet());
            tasks.put(task.taskId(), new NodeAgentTask(task.taskId(), launch.agentId(), factory.version(),
                    TaskState.TASK_STAGING));
            // the rest of that agent's offer: it needs nothing more once its node agent runs (and should the launch
            // fail at once, the whole offer is that rest: the agent counts as hidden, so its relaunch REVIVEs)
            driver.accept(List.of(launch.offer().id()), List.of(task), Optional.of(LONG_REFUSE));
            filtered.add(launch.agentId());
            accepted.increment();
            LOG.info("launching node agent task={} agent={}", task.taskId(), launch.agentId());
        }
        decline(d.declines());
        if (d.launchable().stream().anyMatch(agent -> suppressed || filtersUnknown || filtered.contains(agent))) {
            // an agent could take a node agent now, but we told Mesos not to offer it: undo that at once
            driver.revive(List.of()); // clears every decline filter of ours, and undoes SUPPRESS
            filtered.clear();
            filtersUnknown = false;
            suppressed = false;
        } else if (!d.wantOffers() && !suppressed && launchesAllowed) {
            driver.suppress(List.of()); // every desired agent has its node agent: no offers at all until a REVIVE
            suppressed = true;
        }
    }

    private void decline(List<FleetDecider.Decline> declines) {
        List<String> briefly = new ArrayList<>();
        List<String> forLong = new ArrayList<>();
        for (FleetDecider.Decline decline : declines) {
            (decline.reason() == FleetDecider.DeclineReason.BACKOFF ? briefly : forLong).add(decline.offerId());
            if (decline.reason() == FleetDecider.DeclineReason.TOO_SMALL) {
                filtered.remove(decline.agentId()); // a REVIVE would bring the same small offer back; a bigger one passes anyway
            } else {
                filtered.add(decline.agentId());
            }
        }
        if (!forLong.isEmpty()) {
            driver.decline(forLong, LONG_REFUSE);
        }
        if (!briefly.isEmpty()) {
            driver.decline(briefly, SHORT_REFUSE);
        }
        declined.increment(declines.size());
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        standDown();
    }
}
