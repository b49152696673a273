package dev.calicodcos.e2e.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many node agents in one process, speaking the node agent's etcd protocol (reconcilers'
 * {@code NodeAgent}): the plan is kept by a watch (read once at start), and its change wakes a pass; a
 * pass reads the spec in force once per revision its plan names, decides, and writes the report under
 * a lease only when it says something new; a pass also comes {@code busyRecheck} after one that left
 * a step restarting (and when the restart's stability period ends), and {@code resync} after one that
 * settled everything or only waits for the leader's grant. Their host work
 * is simulated: the docker step needs one restart per new docker-step hash, taken only with the
 * leader's grant, lasting {@code restart} and then {@code stability}; every other step is done as
 * soon as docker's is. Real node agents would be too many processes for one machine.
 *
 * <p>Each agent's restarts are its own records: the fleet counts restarts in progress (from the pass
 * that starts one to the pass that reports it done), so the maximum over the whole run is exact, not
 * sampled.
 */
final class BenchNodeAgents implements AutoCloseable {
    private static final Duration RETRY = Duration.ofMillis(500);

    /** How the simulated agents pace themselves; recheck and resync default to the real node agent's. */
    record Pacing(Duration restart, Duration stability, Optional<Duration> busyRecheck, Optional<Duration> resync) {
        Duration wave() {
            return restart.plus(stability);
        }
    }

    /** The etcd requests the fleet made (plan reads, report writes) and the ones that failed. */
    record Counts(long gets, long puts, long failures) {
        Counts minus(Counts earlier) {
            return new Counts(gets - earlier.gets, puts - earlier.puts, failures - earlier.failures);
        }

        long requests() {
            return gets + puts;
        }
    }

    /** What a report said, to write only when it changes (as the node agent does). */
    private record Said(long revision, StepPhase docker, String hash) {}

    private final Client etcd;
    private final KV kv;
    private final ClusterKeys keys;
    private final Pacing pacing;
    private final ObjectMapper json = new SpecCodec().json();
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "bench-node-agents");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final Map<Long, Instant> firstPlanAt = new ConcurrentHashMap<>();
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final AtomicInteger restarting = new AtomicInteger();
    private final AtomicInteger maxRestarting = new AtomicInteger();
    private final AtomicInteger restarts = new AtomicInteger();
    private Watch.Watcher watcher;
    private long lease;

    BenchNodeAgents(Client etcd, ClusterKeys keys, Pacing pacing) {
        this.etcd = etcd;
        this.kv = etcd.getKVClient();
        this.keys = keys;
        this.pacing = pacing;
        timers.setRemoveOnCancelPolicy(true); // 10,000 agents reschedule often: drop cancelled timers at once
    }

    private final class Agent {
        final String id;
        final ByteSequence planKey;
        final ByteSequence reportKey;
        // Guarded by this.
        private boolean passRunning;
        private boolean wokenDuringPass;
        private ScheduledFuture<?> nextPass;
        private String restartedHash;
        private String restartingHash;
        private long restartEndsNanos;
        private Said said;
        /** The plan as the agent's watch last delivered it (null: not seen yet, so read it). */
        volatile byte[] watchedPlan;
        /** The spec revision whose spec-in-force this agent has read (it reads it once per revision). */
        private long specRead = -1;
        volatile long doneRevision = -1;
        volatile Instant doneAt;

        Agent(String id) {
            this.id = id;
            this.planKey = bytes(keys.plan(id));
            this.reportKey = bytes(keys.report(id));
        }

        void wake() {
            synchronized (this) {
                if (passRunning) {
                    wokenDuringPass = true;
                    return;
                }
                passRunning = true;
                wokenDuringPass = false;
                if (nextPass != null) {
                    nextPass.cancel(false);
                    nextPass = null;
                }
            }
            byte[] watched = watchedPlan;
            CompletableFuture<Optional<byte[]>> plan;
            if (watched != null) {
                plan = CompletableFuture.completedFuture(Optional.of(watched)); // as NodeAgent's WatchedKey: no request
            } else {
                gets.incrementAndGet();
                plan = kv.get(planKey).thenApply(r -> r.getKvs().stream().findFirst().map(kv -> kv.getValue().getBytes()));
            }
            plan.thenCompose(this::readSpecOnce).thenCompose(this::act).whenComplete(this::passEnded);
        }

        /** As the node agent: the spec in force is read once per revision a plan names. */
        private CompletableFuture<Optional<AgentPlan>> readSpecOnce(Optional<byte[]> bytes) {
            Optional<AgentPlan> plan = bytes.map(b -> decode(b));
            long revision = plan.map(AgentPlan::specRevision).orElse(-1L);
            synchronized (this) {
                if (plan.isEmpty() || revision == specRead) {
                    return CompletableFuture.completedFuture(plan);
                }
                specRead = revision;
            }
            gets.incrementAndGet();
            return kv.get(bytes(keys.specInForce())).thenApply(ignored -> plan);
        }

        /** Completes with whether a step is left unsettled (then the next pass comes sooner). */
        private CompletableFuture<Boolean> act(Optional<AgentPlan> found) {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            AgentPlan plan = found.get();
            Said now = decide(plan);
            // As PassTiming: waiting for a grant is not busy (the grant comes as a plan change); restarting is.
            boolean busy = now.docker() == StepPhase.RESTARTING;
            synchronized (this) {
                if (now.equals(said)) {
                    return CompletableFuture.completedFuture(busy);
                }
            }
            puts.incrementAndGet();
            return kv.put(reportKey, ByteSequence.from(encode(report(plan, now))), PutOption.builder().withLeaseId(lease).build())
                    .thenApply(written -> {
                        synchronized (this) {
                            said = now;
                        }
                        if (!busy) {
                            doneAt = Instant.now();
                            doneRevision = now.revision();
                        }
                        return busy;
                    });
        }

        private synchronized Said decide(AgentPlan plan) {
            String hash = plan.stepHashes().get(StepName.DOCKER_CLUSTER_STORE);
            if (restartingHash != null && System.nanoTime() - restartEndsNanos >= 0) {
                restartedHash = restartingHash;
                restartingHash = null;
                restarting.decrementAndGet();
            }
            if (restartingHash != null) {
                return new Said(plan.specRevision(), StepPhase.RESTARTING, restartingHash);
            }
            if (hash.equals(restartedHash)) {
                return new Said(plan.specRevision(), StepPhase.DONE, hash);
            }
            if (!plan.grants(StepName.DOCKER_CLUSTER_STORE, hash)) {
                return new Said(plan.specRevision(), StepPhase.AWAITING_RESTART, hash);
            }
            restartingHash = hash;
            restartEndsNanos = System.nanoTime() + pacing.wave().toNanos();
            restarts.incrementAndGet();
            maxRestarting.accumulateAndGet(restarting.incrementAndGet(), Math::max);
            // As the real node agent (RestartGate.nextStableAt): woken when the stability period ends.
            timers.schedule(this::wake, pacing.wave().toNanos(), TimeUnit.NANOSECONDS);
            return new Said(plan.specRevision(), StepPhase.RESTARTING, hash);
        }

        private void passEnded(Boolean busy, Throwable error) {
            boolean again;
            synchronized (this) {
                passRunning = false;
                again = wokenDuringPass;
                if (!again) {
                    Optional<Duration> wait = error != null ? Optional.of(RETRY)
                            : Boolean.TRUE.equals(busy) ? pacing.busyRecheck() : pacing.resync();
                    wait.ifPresent(d -> nextPass = schedule(d));
                }
            }
            if (error != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, id + ": " + error);
            }
            if (again) {
                wake();
            }
        }

        private ScheduledFuture<?> schedule(Duration wait) {
            try {
                return timers.schedule(this::wake, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                return null;
            }
        }

        private AgentReport report(AgentPlan plan, Said said) {
            Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
            Instant now = Instant.now();
            for (StepName step : StepName.values()) {
                boolean docker = step == StepName.DOCKER_CLUSTER_STORE;
                StepPhase phase = docker ? said.docker() : said.docker().settled() ? StepPhase.DONE : StepPhase.PENDING;
                String hash = docker ? said.hash() : plan.stepHashes().get(step);
                steps.put(step, new StepReport(phase, hash, Optional.of(hash), Optional.empty(), phase.name().toLowerCase(), now));
            }
            return new AgentReport(id, "bench", plan.specRevision(),
                    new AgentFacts(id, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                    List.of(), steps, now);
        }
    }

    /** Starts the agents: one prefix watch stands for each agent's watch on its plan key; each agent then runs its first pass. */
    void start(List<String> agentIds) throws Exception {
        lease = etcd.getLeaseClient().grant(60).get(30, TimeUnit.SECONDS).getID();
        etcd.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
            @Override public void onNext(LeaseKeepAliveResponse value) {}
            @Override public void onError(Throwable t) {
                firstFailure.compareAndSet(null, "report lease: " + t);
            }
            @Override public void onCompleted() {}
        });
        agentIds.forEach(id -> agents.put(id, new Agent(id)));
        watcher = etcd.getWatchClient().watch(bytes(keys.agentsPrefix()), WatchOption.builder().isPrefix(true).build(),
                Watch.listener(response -> response.getEvents().forEach(this::onEvent),
                        error -> firstFailure.compareAndSet(null, "plan watch: " + error)));
        agents.values().forEach(Agent::wake);
    }

    private void onEvent(WatchEvent event) {
        if (event.getEventType() != WatchEvent.EventType.PUT) {
            return;
        }
        String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
        keys.agentOf(key).filter(id -> key.equals(keys.plan(id))).map(agents::get).ifPresent(agent -> {
            byte[] plan = event.getKeyValue().getValue().getBytes();
            firstPlanAt.putIfAbsent(specRevision(plan), Instant.now());
            agent.watchedPlan = plan;
            agent.wake();
        });
    }

    /** When the first plan made from spec revision {@code revision} reached a node agent's watch. */
    Optional<Instant> firstPlanAt(long revision) {
        return Optional.ofNullable(firstPlanAt.get(revision));
    }

    /** How many agents have reported every step done at {@code revision} or later. */
    int doneAt(long revision) {
        return (int) agents.values().stream().filter(a -> a.doneRevision >= revision).count();
    }

    boolean allDoneAt(long revision) {
        return doneAt(revision) == agents.size();
    }

    /** When the last agent reported done at {@code revision} or later, once all have. */
    Optional<Instant> lastDoneAt(long revision) {
        if (!allDoneAt(revision)) {
            return Optional.empty();
        }
        return agents.values().stream().map(a -> a.doneAt).max(Instant::compareTo);
    }

    int size() {
        return agents.size();
    }

    Counts counts() {
        return new Counts(gets.get(), puts.get(), failures.get());
    }

    Optional<String> firstFailure() {
        return Optional.ofNullable(firstFailure.get());
    }

    /** The most restarts that were in progress at once, over the whole run. */
    int maxConcurrentRestarts() {
        return maxRestarting.get();
    }

    int restarts() {
        return restarts.get();
    }

    private AgentPlan decode(byte[] bytes) {
        try {
            return json.readValue(bytes, AgentPlan.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable plan: " + e.getMessage(), e);
        }
    }

    private byte[] encode(AgentReport report) {
        try {
            return json.writeValueAsBytes(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plan's specRevision without decoding the whole plan (this runs for every plan written). */
    private long specRevision(byte[] plan) {
        try (JsonParser parser = json.getFactory().createParser(plan)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("specRevision")) {
                    return parser.getLongValue();
                }
                parser.skipChildren();
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        timers.shutdownNow();
    }
}
