package dev.calicodcos.controller.mesos;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reconciliation around a subscription: right after SUBSCRIBED, explicit RECONCILE of every task
 * the controller believes in, re-sent with a growing delay for tasks that got no answer yet (the
 * master stays silent about tasks on agents still recovering); then implicit RECONCILE periodically.
 */
final class TaskReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(TaskReconciliation.class);

    private final ScheduledExecutorService timers;
    private final Supplier<Collection<TaskRef>> knownTasks;
    private final Consumer<Collection<TaskRef>> send;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Duration implicitInterval;

    private final Map<String, TaskRef> unanswered = new LinkedHashMap<>();
    private ScheduledFuture<?> explicitRetry;
    private ScheduledFuture<?> implicit;

    TaskReconciliation(ScheduledExecutorService timers, Supplier<Collection<TaskRef>> knownTasks,
                       Consumer<Collection<TaskRef>> send, Duration firstRetry, Duration maxRetry, Duration implicitInterval) {
        this.timers = timers;
        this.knownTasks = knownTasks;
        this.send = send;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
        this.implicitInterval = implicitInterval;
    }

    synchronized void subscribed() {
        stop();
        knownTasks.get().forEach(t -> unanswered.put(t.taskId(), t));
        if (!unanswered.isEmpty()) {
            LOG.info("reconciling known tasks count={}", unanswered.size());
            send.accept(List.copyOf(unanswered.values()));
            explicitRetry = timers.schedule(() -> retry(firstRetry), firstRetry.toMillis(), TimeUnit.MILLISECONDS);
        }
        long period = implicitInterval.toMillis();
        implicit = timers.scheduleAtFixedRate(() -> send.accept(List.of()), period, period, TimeUnit.MILLISECONDS);
    }

    synchronized void answered(String taskId) {
        unanswered.remove(taskId);
    }

    synchronized void stop() {
        unanswered.clear();
        if (explicitRetry != null) {
            explicitRetry.cancel(false);
            explicitRetry = null;
        }
        if (implicit != null) {
            implicit.cancel(false);
            implicit = null;
        }
    }

    private synchronized void retry(Duration previous) {
        if (unanswered.isEmpty() || explicitRetry == null) {
            return;
        }
        LOG.info("re-reconciling unanswered tasks count={}", unanswered.size());
        send.accept(List.copyOf(unanswered.values()));
        Duration next = previous.multipliedBy(2).compareTo(maxRetry) > 0 ? maxRetry : previous.multipliedBy(2);
        explicitRetry = timers.schedule(() -> retry(next), next.toMillis(), TimeUnit.MILLISECONDS);
    }
}
