package dev.calicodcos.controller.loop;

import dev.calicodcos.controller.election.Leadership;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.reconcilers.log.FailureLog;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs one {@link ClusterReconciler} pass at a time on one thread. Triggers collapse: however many
 * arrive while a pass is queued, one pass runs. Failures back off exponentially (reset on success),
 * and a failure that repeats logs its stack trace only the first time; a periodic resync is the safety
 * net. Only the leader's passes write anything.
 */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);

    private final ReconcilePass reconciler;
    private final Leadership leadership;
    private final Duration resync;
    private final Consumer<PassResult> afterPass;
    private final IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.2, Duration.ofSeconds(30));
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reconcile-loop");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicInteger failures = new AtomicInteger();
    private final MeterRegistry registry;
    private final Timer duration;
    private final Counter errors;
    private final FailureLog failureLog = new FailureLog(LOG);
    private ScheduledFuture<?> next;

    /** @param afterPass runs on the loop thread after every successful pass of the leader (the fleet follows the plans) */
    public ReconcileLoop(ReconcilePass reconciler, Leadership leadership, Duration resync, MeterRegistry registry,
                         Consumer<PassResult> afterPass) {
        this.reconciler = reconciler;
        this.afterPass = afterPass;
        this.leadership = leadership;
        this.resync = resync;
        this.registry = registry;
        this.duration = Timer.builder("calico_dcos_reconcile_duration").description("Time of one reconcile pass").register(registry);
        this.errors = Counter.builder("calico_dcos_reconcile_errors").description("Reconcile passes that failed").register(registry);
        registry.gauge("calico_dcos_reconcile_queue_depth", queued, q -> q.get() ? 1 : 0);
    }

    /** Asks for a pass as soon as possible; collapses with any pass already queued. */
    public void trigger() {
        if (queued.compareAndSet(false, true)) {
            executor.execute(this::runOnce);
        }
    }

    private void runOnce() {
        queued.set(false);
        Optional<KvStore.Fence> fence = leadership.fence();
        if (fence.isEmpty()) {
            return; // a standby reads nothing and writes nothing; the election triggers it when it leads
        }
        Duration wait = resync;
        try {
            PassResult result = duration.recordCallable(() -> reconciler.reconcile(fence.get()));
            registry.counter("calico_dcos_reconciles", "result", result.outcome().name().toLowerCase()).increment();
            if (result.outcome() == PassResult.Outcome.NOT_LEADER) {
                leadership.lost(fence.get());
            } else {
                afterPass.accept(result);
            }
            if (result.passWithin() != null && result.passWithin().compareTo(wait) < 0) {
                wait = result.passWithin();
            }
            failures.set(0);
            failureLog.succeeded();
        } catch (Exception e) {
            if (executor.isShutdown()) {
                return; // closing: the pass was interrupted on purpose
            }
            errors.increment();
            int attempt = failures.incrementAndGet();
            wait = Duration.ofMillis(backoff.apply(attempt));
            failureLog.failed(Level.WARN, "reconcile failed, retrying attempt=" + attempt + " in=" + wait.toMillis() + "ms", e);
        }
        schedule(wait);
    }

    private synchronized void schedule(Duration wait) {
        if (next != null) {
            next.cancel(false);
        }
        if (!executor.isShutdown()) {
            next = executor.schedule(this::trigger, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
