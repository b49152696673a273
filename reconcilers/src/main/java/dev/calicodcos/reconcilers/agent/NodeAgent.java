package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.reconcilers.log.FailureLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The node agent loop: keeps this agent's {@code AgentPlan} by a watch (and wakes when it changes),
 * runs a {@link StepRunner} pass, and writes the {@code AgentReport} under a kept-alive lease, so a
 * node agent that dies stops being reported. It owns all timing: settled steps are re-observed
 * every {@code resync} (drift repair), busy ones every {@code busyRecheck}, and failures are
 * retried as {@link PassTiming} says: with exponential backoff when waiting can fix them, slowly when
 * only a person can.
 *
 * <p>Use: {@code new NodeAgent(...)} then {@link #run()} on a thread of your own (it returns after
 * {@link #close()}). The store is the caller's and is not closed here.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    /** Past the end of a stability period, so the pass finds it over (ActiveEnterTimestamp has second resolution). */
    private static final Duration STABLE_MARGIN = Duration.ofMillis(50);

    private final NodeAgentConfig config;
    private final KvStore store;
    private final StepRunner runner;
    private final SpecCodec codec;
    private final PassTiming timing;
    private final FailureLog passFailures = new FailureLog(LOG);
    private final Semaphore wake = new Semaphore(0);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile boolean closed;
    private volatile boolean started;
    private volatile Optional<AgentReport> lastReport = Optional.empty();
    /** The lease the report is written under; none before the first report. */
    private Optional<KvStore.Lease> lease = Optional.empty();
    private Optional<String> published = Optional.empty();
    /** The revision of our last report write. */
    private volatile long publishedAt;
    /** This agent's plan, kept by a watch: a pass reads it without a request. Set by {@link #run()}. */
    private WatchedKey plan;
    /**
     * This agent's report, kept by a watch: should it vanish while our lease lives (another node agent
     * on this agent wrote it under its lease, then ended), the next pass writes it again.
     */
    private WatchedKey ownReport;
    /** The spec of the newest revision a plan referenced, read once per revision. */
    private Optional<SpecInForce> spec = Optional.empty();

    public NodeAgent(NodeAgentConfig config, KvStore store, StepRunner runner, SpecCodec codec) {
        this.config = config;
        this.store = store;
        this.runner = runner;
        this.codec = codec;
        this.timing = new PassTiming(config);
    }

    /** Runs passes until {@link #close()}; never throws for a failing step or a lost etcd. */
    public void run() {
        started = true;
        try (WatchedKey watchedPlan = new WatchedKey(store, config.keys().plan(config.agentId()), wake::release);
             WatchedKey watchedReport = new WatchedKey(store, config.keys().report(config.agentId()), this::wakeIfReportDeleted)) {
            plan = watchedPlan;
            ownReport = watchedReport;
            while (!closed) {
                Duration next = pass();
                wake.tryAcquire(next.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** The report of the last pass, if any. */
    public Optional<AgentReport> lastReport() {
        return lastReport;
    }

    /** One pass; returns how long to wait before the next. */
    private Duration pass() {
        try {
            Optional<ResolvedPlan> plan = readPlan();
            if (plan.isEmpty()) {
                passFailures.succeeded();
                return timing.withoutPlan();
            }
            AgentReport report = runner.runOnce(plan.get(), lastReport);
            lastReport = Optional.of(report);
            publish(report);
            passFailures.succeeded();
            Duration next = timing.after(report);
            // A restart's stability period ends at a known time: look then, not at the next recheck.
            return runner.untilNextStable().map(stable -> stable.plus(STABLE_MARGIN)).filter(stable -> stable.compareTo(next) < 0)
                    .orElse(next);
        } catch (RuntimeException e) {
            Duration wait = timing.afterPassFailure();
            passFailures.failed(Level.ERROR, "node agent pass failed, retrying agent=" + config.agentId()
                    + " in=" + wait.toMillis() + "ms", e);
            return wait;
        }
    }

    /**
     * The plan with the spec it references. The spec is read once per revision; when the spec in
     * force is already newer than the plan (the leader writes it before the plans), the pass waits:
     * the plan follows in moments and its watch wakes the agent.
     */
    private Optional<ResolvedPlan> readPlan() {
        Optional<AgentPlan> plan = this.plan.current().map(bytes -> decode(config.keys().plan(config.agentId()), bytes, AgentPlan.class));
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        long wanted = plan.get().specRevision();
        if (spec.map(SpecInForce::revision).orElse(-1L) != wanted) {
            Optional<SpecInForce> inForce = read(config.keys().specInForce(), SpecInForce.class);
            if (inForce.isEmpty() || inForce.get().revision() != wanted) {
                LOG.info("waiting for the spec the plan references agent={} planRevision={} inForce={}", config.agentId(), wanted,
                        inForce.map(SpecInForce::revision).map(String::valueOf).orElse("none"));
                return Optional.empty();
            }
            spec = inForce;
        }
        return Optional.of(new ResolvedPlan(plan.get(), spec.get().spec()));
    }

    private <T> Optional<T> read(String key, Class<T> type) {
        return store.get(key).map(Versioned::value).map(bytes -> decode(key, bytes, type));
    }

    private <T> T decode(String key, byte[] bytes, Class<T> type) {
        try {
            return codec.json().readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " at " + key + ": " + e.getMessage(), e);
        }
    }

    /** Our own writes change the report too: only its deletion is news that needs a pass. */
    private void wakeIfReportDeleted() {
        if (publishedAt > 0 && ownReport.deletedAfter(publishedAt)) {
            wake.release();
        }
    }

    /**
     * Writes the report when it says something new (time stamps aside), the lease was renewed, or the
     * report was deleted since our last write while the lease lived.
     */
    private void publish(AgentReport report) {
        String comparable = codec.toJson(new AgentReport(report.agentId(), report.nodeAgentVersion(), report.specRevision(),
                report.facts(), report.blockers(), report.steps(), Instant.EPOCH));
        boolean leaseLost = lease.map(KvStore.Lease::lost).orElse(true);
        ownReport.current(); // (re)starts the watch should it have ended
        boolean deleted = publishedAt > 0 && ownReport.deletedAfter(publishedAt);
        if (!leaseLost && !deleted && published.equals(Optional.of(comparable))) {
            return;
        }
        if (leaseLost) {
            renewLease();
        } else if (deleted) {
            LOG.warn("report deleted while its lease lives (another node agent on this agent ended?), writing it again agent={}",
                    config.agentId());
        }
        publishedAt = store.put(config.keys().report(config.agentId()), codec.toJson(report).getBytes(StandardCharsets.UTF_8),
                lease.orElseThrow());
        published = Optional.of(comparable);
    }

    /** A new lease; the lost one is left to expire (its key is rewritten under the new one). */
    private void renewLease() {
        lease.ifPresent(KvStore.Lease::close);
        lease = Optional.empty(); // should the grant fail, the next pass grants again
        lease = Optional.of(store.grantLease(config.leaseTtl(), () -> {
            LOG.warn("report lease lost, will write the report under a new one agent={}", config.agentId());
            wake.release();
        }));
    }

    /** Stops the loop after the pass under way, then revokes the lease (the report goes with it). */
    @Override
    public void close() {
        closed = true;
        wake.release();
        try {
            if (started && !stopped.await(5, TimeUnit.MINUTES)) {
                LOG.warn("node agent pass did not finish in time agent={}", config.agentId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            lease.ifPresent(KvStore.Lease::close);
        } catch (StoreException revokeFailed) {
            LOG.warn("could not revoke the report lease; it expires in {} agent={}", config.leaseTtl(), config.agentId());
        }
    }
}
