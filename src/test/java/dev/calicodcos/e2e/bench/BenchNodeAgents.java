package dev.calicodcos.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many node agents in one process, speaking the node agent's etcd protocol exactly (watch the plan,
 * write the report under a lease, restart only with a grant) while their host work is simulated: each
 * needs one restart per spec revision that takes {@code restart}, then must stay stable for
 * {@code stability}. Real node agents would be too many processes for one machine.
 */
final class BenchNodeAgents implements AutoCloseable {
    private final Client etcd;
    private final ClusterKeys keys;
    private final Duration restart;
    private final Duration stability;
    private final ObjectMapper json = new SpecCodec().json();
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger restarting = new AtomicInteger();
    private final AtomicInteger maxRestarting = new AtomicInteger();
    private long lease;

    BenchNodeAgents(Client etcd, ClusterKeys keys, Duration restart, Duration stability) {
        this.etcd = etcd;
        this.keys = keys;
        this.restart = restart;
        this.stability = stability;
    }

    private final class Agent {
        final String id;
        volatile long doneRevision = -1;
        volatile boolean busy;

        Agent(String id) {
            this.id = id;
        }

        synchronized void onPlan(AgentPlan plan) {
            if (busy || doneRevision == plan.specRevision()) {
                return;
            }
            String hash = plan.stepHashes().get(StepName.DOCKER_CLUSTER_STORE);
            if (plan.grants(StepName.DOCKER_CLUSTER_STORE, hash)) {
                busy = true;
                maxRestarting.accumulateAndGet(restarting.incrementAndGet(), Math::max);
                report(plan, StepPhase.RESTARTING, hash);
                clock.schedule(() -> finish(plan, hash), restart.plus(stability).toMillis(), TimeUnit.MILLISECONDS);
            } else {
                report(plan, StepPhase.AWAITING_RESTART, hash);
            }
        }

        synchronized void finish(AgentPlan plan, String hash) {
            restarting.decrementAndGet();
            doneRevision = plan.specRevision();
            busy = false;
            report(plan, StepPhase.DONE, hash);
        }

        void report(AgentPlan plan, StepPhase docker, String hash) {
            Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
            for (StepName step : StepName.values()) {
                StepPhase phase = step == StepName.DOCKER_CLUSTER_STORE ? docker : docker.settled() ? StepPhase.DONE : StepPhase.PENDING;
                String h = step == StepName.DOCKER_CLUSTER_STORE ? hash : plan.stepHashes().get(step);
                steps.put(step, new StepReport(phase, h, Optional.of(h), Optional.empty(), phase.name().toLowerCase(), Instant.now()));
            }
            AgentReport report = new AgentReport(id, "bench", plan.specRevision(),
                    new AgentFacts(id, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                    List.of(), steps, Instant.now());
            try {
                etcd.getKVClient().put(bytes(keys.report(id)), ByteSequence.from(json.writeValueAsBytes(report)),
                        PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS);
                requests.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException("report of " + id + " failed", e);
            }
        }
    }

    /** Starts watching every agent's plan (one prefix watch, as one node agent per host would each do for its key). */
    void start(List<String> agentIds) throws Exception {
        lease = etcd.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
        etcd.getLeaseClient().keepAlive(lease, new io.grpc.stub.StreamObserver<>() {
            @Override public void onNext(io.etcd.jetcd.lease.LeaseKeepAliveResponse value) {}
            @Override public void onError(Throwable t) {}
            @Override public void onCompleted() {}
        });
        agentIds.forEach(id -> agents.put(id, new Agent(id)));
        etcd.getWatchClient().watch(bytes(keys.agentsPrefix()), WatchOption.builder().isPrefix(true).build(), response ->
                response.getEvents().forEach(event -> {
                    String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                    keys.agentOf(key).filter(id -> key.equals(keys.plan(id))).map(agents::get).ifPresent(agent -> {
                        try {
                            AgentPlan plan = json.readValue(event.getKeyValue().getValue().getBytes(), AgentPlan.class);
                            clock.execute(() -> agent.onPlan(plan));
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }));
    }

    long requests() {
        return requests.get();
    }

    int maxConcurrentRestarts() {
        return maxRestarting.get();
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
