package dev.calicodcos.controller.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-ins for node agents in controller tests: they read their plan from etcd and answer with a
 * report, needing a restart (dockerClusterStore) once per spec revision, which they take only with
 * a grant. They count overlapping restarts so tests can check the budget over the whole run.
 */
public final class ScriptedNodeAgents implements AutoCloseable {
    private final KvStore kv;
    private final ClusterKeys keys;
    private final ObjectMapper json = new SpecCodec().json();
    private final Map<String, Long> restartedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> restarting = new ConcurrentHashMap<>();
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private volatile List<String> failing = List.of();

    public ScriptedNodeAgents(KvStore kv, ClusterKeys keys) {
        this.kv = kv;
        this.keys = keys;
    }

    /** Each tick is one observe-and-report round of every simulated node agent. */
    public ScriptedNodeAgents start() {
        ticker.scheduleWithFixedDelay(this::tick, 0, 50, TimeUnit.MILLISECONDS);
        return this;
    }

    public void failOn(List<String> agentIds) {
        failing = List.copyOf(agentIds);
    }

    public int maxConcurrentRestarts() {
        return maxConcurrent.get();
    }

    public int restarts(String agentId) {
        return restarts.getOrDefault(agentId, 0);
    }

    private void tick() {
        try {
            kv.list(keys.agentsPrefix()).forEach((key, value) -> keys.agentOf(key)
                    .filter(id -> key.equals(keys.plan(id)))
                    .ifPresent(id -> report(id, read(value))));
        } catch (RuntimeException e) {
            // etcd restarting under the test: the next tick retries
        }
    }

    private void report(String agentId, AgentPlan plan) {
        long revision = plan.specRevision();
        String dockerHash = "docker-" + plan.stepHashes().get(StepName.DOCKER_CLUSTER_STORE);
        StepPhase docker;
        if (restarting.containsKey(agentId)) {
            restarting.remove(agentId);
            concurrent.decrementAndGet();
            restartedAt.put(agentId, revision);
            docker = StepPhase.DONE;
        } else if (restartedAt.getOrDefault(agentId, -1L) == revision) {
            docker = StepPhase.DONE;
        } else if (failing.contains(agentId)) {
            docker = StepPhase.FAILED;
        } else if (!plan.paused() && plan.grants(StepName.DOCKER_CLUSTER_STORE, dockerHash)) {
            restarting.put(agentId, revision);
            restarts.merge(agentId, 1, Integer::sum);
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            docker = StepPhase.RESTARTING;
        } else {
            docker = StepPhase.AWAITING_RESTART;
        }
        Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            StepPhase phase = step == StepName.DOCKER_CLUSTER_STORE ? docker : docker.settled() ? StepPhase.DONE : StepPhase.PENDING;
            String hash = step == StepName.DOCKER_CLUSTER_STORE ? dockerHash : plan.stepHashes().get(step);
            steps.put(step, new StepReport(phase, hash, Optional.of(hash), Optional.empty(), phase.name().toLowerCase(), Instant.EPOCH));
        }
        AgentReport report = new AgentReport(agentId, "scripted", revision,
                new AgentFacts(agentId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                List.of(), steps, Instant.EPOCH);
        byte[] bytes = write(report);
        Optional<Versioned> current = kv.get(keys.report(agentId));
        if (current.isEmpty() || !java.util.Arrays.equals(current.get().value(), bytes)) {
            kv.putIfUnchanged(keys.report(agentId), bytes, current.map(Versioned::modRevision).orElse(0L));
        }
    }

    private AgentPlan read(Versioned value) {
        try {
            return json.readValue(value.value(), AgentPlan.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] write(AgentReport report) {
        try {
            return json.writeValueAsBytes(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
