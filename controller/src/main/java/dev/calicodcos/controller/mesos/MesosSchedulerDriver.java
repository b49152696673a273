package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@link SchedulerDriver} over the v1 scheduler HTTP API with JSON (no protobuf).
 *
 * <p>Three threads of its own: the stream thread ({@link SubscriptionLoop}, which calls the listener
 * through the {@link EventDispatcher}), one thread that sends calls in order ({@link CallSender}), and
 * one for timers (heartbeat watchdog, revive throttle, reconciliation).
 */
public final class MesosSchedulerDriver implements SchedulerDriver {
    private static final Logger LOG = LoggerFactory.getLogger(MesosSchedulerDriver.class);

    private final SchedulerDriverConfig config;
    private final AtomicReference<Session> session = new AtomicReference<>();
    private final ScheduledExecutorService timers;
    private final ExecutorService callThread;
    private final CallSender sender;
    private final ReviveThrottle revives;
    private final SubscriptionLoop loop;
    private final Thread streamThread;
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * @param client     shared client (pool, DC/OS auth interceptor); redirects and timeouts are set on derived clients
     * @param knownTasks tasks the controller believes exist, asked after every (re)subscription for explicit reconciliation
     * @param listener   receives every event on the stream thread
     */
    public MesosSchedulerDriver(OkHttpClient client, SchedulerDriverConfig config, FrameworkIdStore frameworkIds,
                                Supplier<Collection<TaskRef>> knownTasks, SchedulerListener listener, ObjectMapper json) {
        this.config = config;
        String name = config.framework().name();
        this.timers = Executors.newSingleThreadScheduledExecutor(daemon("mesos-scheduler-timers-" + name));
        this.callThread = Executors.newSingleThreadExecutor(daemon("mesos-scheduler-calls-" + name));

        AtomicReference<HttpUrl> leader = new AtomicReference<>();
        OkHttpClient base = client.newBuilder().followRedirects(false).followSslRedirects(false)
                .connectTimeout(config.connectTimeout()).build();
        // the stream is idle between heartbeats by design: no read or call timeout, the watchdog decides
        LeaderFollowingHttp streamHttp = new LeaderFollowingHttp(
                base.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO).build(),
                config.endpoint(), config.maxRedirects(), leader);
        LeaderFollowingHttp callHttp = new LeaderFollowingHttp(
                base.newBuilder().readTimeout(config.callTimeout()).callTimeout(config.callTimeout()).build(),
                config.endpoint(), config.maxRedirects(), leader);

        this.sender = new CallSender(callHttp, config.endpoint().scheduler(), json, callThread,
                () -> Optional.ofNullable(session.get()), this::dropSubscription);
        this.revives = new ReviveThrottle(timers, System::nanoTime, config.minReviveInterval(),
                roles -> sender.send("REVIVE", fid -> SchedulerCalls.revive(fid, roles)));
        TaskReconciliation reconciliation = new TaskReconciliation(timers, knownTasks,
                tasks -> sender.send("RECONCILE", fid -> SchedulerCalls.reconcile(fid, tasks)),
                config.explicitReconcileRetry(), config.maxExplicitReconcileRetry(), config.implicitReconcileInterval());
        HeartbeatWatchdog watchdog = new HeartbeatWatchdog(timers, System::nanoTime);
        EventDispatcher events = new EventDispatcher(config, new SchedulerEventParser(json), frameworkIds, listener,
                watchdog, reconciliation, this::acknowledge, session);
        this.loop = new SubscriptionLoop(config, streamHttp, json, events, watchdog, reconciliation, session);
        this.streamThread = daemon("mesos-scheduler-stream-" + name).newThread(loop);
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("driver already started");
        }
        LOG.info("scheduler driver starting framework={} master={}", config.framework().name(),
                config.endpoint().scheduler().host());
        streamThread.start();
    }

    @Override
    public void accept(List<String> offerIds, List<TaskLaunch> tasks, Optional<Duration> refuse) {
        List<String> offers = List.copyOf(offerIds);
        List<TaskLaunch> launches = List.copyOf(tasks);
        sender.send("ACCEPT", fid -> SchedulerCalls.accept(fid, offers, launches, refuse));
    }

    @Override
    public void decline(List<String> offerIds, Duration refuse) {
        List<String> offers = List.copyOf(offerIds);
        sender.send("DECLINE", fid -> SchedulerCalls.decline(fid, offers, Optional.of(refuse)));
    }

    @Override
    public void revive(Collection<String> roles) {
        revives.request(List.copyOf(roles));
    }

    @Override
    public void suppress(Collection<String> roles) {
        List<String> copy = List.copyOf(roles);
        revives.cancel(); // a throttled REVIVE sent after this SUPPRESS would undo it
        sender.send("SUPPRESS", fid -> SchedulerCalls.suppress(fid, copy));
    }

    @Override
    public void kill(String taskId, Optional<String> agentId) {
        sender.send("KILL", fid -> SchedulerCalls.kill(fid, taskId, agentId, Optional.empty()));
    }

    @Override
    public void acknowledge(TaskStatus status) {
        if (!status.needsAcknowledgement()) {
            return;   // master-generated update: acknowledging it would be an error
        }
        if (status.agentId().isEmpty()) {
            LOG.warn("update with uuid but without agent cannot be acknowledged taskId={}", status.taskId());
            return;
        }
        sender.send("ACKNOWLEDGE", fid -> SchedulerCalls.acknowledge(fid, status));
    }

    @Override
    public void reconcile(Collection<TaskRef> tasks) {
        List<TaskRef> copy = List.copyOf(tasks);
        sender.send("RECONCILE", fid -> SchedulerCalls.reconcile(fid, copy));
    }

    @Override
    public void teardown() {
        LOG.warn("tearing down framework frameworkId={}", subscribedFrameworkId().orElse("<none>"));
        sender.send("TEARDOWN", SchedulerCalls::teardown);
    }

    @Override
    public Optional<String> subscribedFrameworkId() {
        return Optional.ofNullable(session.get()).map(Session::frameworkId);
    }

    /** False once the driver stopped subscribing (closed, or superseded by another scheduler). */
    public boolean running() {
        return !started.get() || loop.running();
    }

    @Override
    public void close() {
        loop.close(started.get() ? 5_000 : 0);
        callThread.shutdown();
        try {
            if (!callThread.awaitTermination(2, TimeUnit.SECONDS)) {
                callThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callThread.shutdownNow();
        }
        timers.shutdownNow();
        LOG.info("scheduler driver stopped framework={}", config.framework().name());
    }

    private void dropSubscription() {
        loop.dropSubscription("a call was refused: the master no longer sees this subscription");
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
