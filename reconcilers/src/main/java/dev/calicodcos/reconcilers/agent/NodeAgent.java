package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.ResolvedPlan;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.reconcilers.log.FailureLog;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * {@link #close()}). The etcd client is the caller's and is not closed here.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);
    /** Past the end of a stability period, so the pass finds it over (ActiveEnterTimestamp has second resolution). */
    private static final Duration STABLE_MARGIN = Duration.ofMillis(50);

    private final NodeAgentConfig config;
    private final Client etcd;
    private final StepRunner runner;
    private final SpecCodec codec;
    private final PassTiming timing;
    private final FailureLog passFailures = new FailureLog(LOG);
    private final Semaphore wake = new Semaphore(0);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile boolean closed;
    private volatile boolean started;
    private volatile boolean leaseLost = true;
    private volatile Optional<AgentReport> lastReport = Optional.empty();
    private long leaseId;
    private CloseableClient keepAlive;
    private Optional<String> published = Optional.empty();
    /** This agent's plan, kept by a watch: a pass reads it without a request. Set by {@link #run()}. */
    private WatchedKey plan;
    /** The spec of the newest revision a plan referenced, read once per revision. */
    private Optional<SpecInForce> spec = Optional.empty();

    public NodeAgent(NodeAgentConfig config, Client etcd, StepRunner runner, SpecCodec codec) {
        this.config = config;
        this.etcd = etcd;
        this.runner = runner;
        this.codec = codec;
        this.timing = new PassTiming(config);
    }

    /** Runs passes until {@link #close()}; never throws for a failing step or a lost etcd. */
    public void run() {
        started = true;
        try (WatchedKey watched = new WatchedKey(etcd, bytes(config.keys().plan(config.agentId())), ETCD_TIMEOUT, wake::release)) {
            plan = watched;
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
            Duration wait = timing.afterError();
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
        List<KeyValue> kvs = await(etcd.getKVClient().get(bytes(key))).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(decode(key, kvs.get(0).getValue().getBytes(), type));
    }

    private <T> T decode(String key, byte[] bytes, Class<T> type) {
        try {
            return codec.json().readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " at " + key + ": " + e.getMessage(), e);
        }
    }

    /** Writes the report when it says something new (time stamps aside) or the lease was renewed. */
    private void publish(AgentReport report) {
        String comparable = codec.toJson(new AgentReport(report.agentId(), report.nodeAgentVersion(), report.specRevision(),
                report.facts(), report.blockers(), report.steps(), Instant.EPOCH));
        if (!leaseLost && published.equals(Optional.of(comparable))) {
            return;
        }
        if (leaseLost) {
            renewLease();
        }
        await(etcd.getKVClient().put(bytes(config.keys().report(config.agentId())), bytes(codec.toJson(report)),
                PutOption.builder().withLeaseId(leaseId).build()));
        published = Optional.of(comparable);
    }

    private void renewLease() {
        if (keepAlive != null) {
            keepAlive.close();
        }
        leaseId = await(etcd.getLeaseClient().grant(config.leaseTtl().toSeconds())).getID();
        leaseLost = false;
        keepAlive = etcd.getLeaseClient().keepAlive(leaseId, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                // kept alive
            }

            @Override
            public void onError(Throwable t) {
                LOG.warn("report lease lost, will write the report under a new one agent={}", config.agentId());
                leaseLost = true;
                wake.release();
            }

            @Override
            public void onCompleted() {
                leaseLost = true;
                wake.release();
            }
        });
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
        if (keepAlive != null) {
            keepAlive.close();
            try {
                etcd.getLeaseClient().revoke(leaseId).get(ETCD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception revokeFailed) {
                LOG.warn("could not revoke the report lease; it expires in {} agent={}", config.leaseTtl(), config.agentId());
            }
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(ETCD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("etcd: " + e.getMessage(), e);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
