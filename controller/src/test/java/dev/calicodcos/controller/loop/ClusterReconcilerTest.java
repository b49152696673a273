package dev.calicodcos.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.agents.WorkloadCache;
import dev.calicodcos.controller.plan.AgentView;
import dev.calicodcos.controller.plan.Workload;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.controller.store.ClusterView;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.testkit.ForwardingKvStore;
import dev.calicodcos.testkit.InMemoryKvStore;
import dev.calicodcos.testkit.MovableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One cluster's passes against an in-memory etcd: what a pass writes, and what it reads to know what to write. */
class ClusterReconcilerTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final KvStore.Fence TERM_1 = new KvStore.Fence("/test/election/1", 1);
    private static final KvStore.Fence TERM_2 = new KvStore.Fence("/test/election/2", 2);

    private final ClusterKeys keys = new ClusterKeys("/test", "default");
    private final SpecCodec codec = new SpecCodec();
    private final ClusterDocuments documents = new ClusterDocuments(keys, codec);
    private final InMemoryKvStore kv = new InMemoryKvStore();
    private final List<List<String>> commits = new ArrayList<>();
    private final List<AgentView> agents = IntStream.range(0, 100)
            .mapToObj(i -> new AgentView("agent-" + i, "agent-" + i + ".example.com", Set.of("*"), Map.of(), true)).toList();
    private ClusterView view;
    private final MovableClock clock = MovableClock.at(T0);
    private ClusterReconciler reconciler;
    private ClusterStore store;
    private long specRevision;
    private volatile boolean loseNextAnswer;

    @BeforeEach
    void start() {
        KvStore recorded = new ForwardingKvStore(kv) {
            @Override
            public OptionalLong commit(Fence fence, List<Write> writes) {
                commits.add(writes.stream().map(Write::key).toList());
                OptionalLong revision = super.commit(fence, writes);
                if (loseNextAnswer) { // etcd applied it; the answer never came back (a connection reset)
                    loseNextAnswer = false;
                    throw new StoreException("commit: connection reset, the answer was lost", null);
                }
                return revision;
            }
        };
        store = new ClusterStore(recorded, documents);
        view = new ClusterView(store, () -> { });
        specRevision = kv.put(keys.spec(), Specs.withSpec("rollout:\n  maxConcurrentRestarts: 2\n").getBytes(StandardCharsets.UTF_8));
        view.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshotsRead() > 0);
        reconciler = new ClusterReconciler(store, view, codec, () -> agents, clock, Duration.ofMinutes(10));
    }

    @AfterEach
    void close() {
        view.close();
    }

    private PassResult last;

    private List<String> writtenBy(KvStore.Fence term) throws InterruptedException {
        commits.clear();
        last = reconciler.reconcile(term);
        return commits.stream().flatMap(List::stream).toList();
    }

    private void awaitingRestart(String agentId) {
        awaitingRestart(agentId, StepName.DOCKER_CLUSTER_STORE);
    }

    private void awaitingRestart(String agentId, StepName waiting) {
        Map<StepName, StepReport> steps = new EnumMap<>(StepName.class);
        for (StepName step : StepName.values()) {
            StepPhase phase = step == waiting ? StepPhase.AWAITING_RESTART : StepPhase.DONE;
            steps.put(step, new StepReport(phase, "h-" + step.id(), Optional.empty(), Optional.empty(), phase.name(), T0));
        }
        kv.put(keys.report(agentId), documents.encode(new AgentReport(agentId, "test", specRevision,
                new AgentFacts(agentId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false),
                List.of(), steps, T0)));
    }

    @Test
    void aReportRewritesThatAgentsRowAndPlanAndTheStatusNotEveryAgents() throws Exception {
        assertThat(writtenBy(TERM_1)).as("the first pass plans everyone").hasSizeGreaterThan(200);

        clock.advance(Duration.ofSeconds(1));
        awaitingRestart("agent-7");

        assertThat(writtenBy(TERM_1)).containsExactly(keys.plan("agent-7"), keys.agentStatus("agent-7"), keys.status());
        AgentPlan plan = codec.json().readValue(kv.get(keys.plan("agent-7")).orElseThrow().value(), AgentPlan.class);
        assertThat(plan.restartGrant()).as("the agent waiting for a restart got a slot").isPresent();
    }

    @Test
    void anAmbiguousCommitIsReReadAndNoGrantIsCountedOrWrittenTwice() throws Exception {
        writtenBy(TERM_1);
        clock.advance(Duration.ofSeconds(1));
        awaitingRestart("agent-7");
        awaitingRestart("agent-8");
        awaitingRestart("agent-9");
        await().atMost(Duration.ofSeconds(5)).until(() -> view.snapshot().reports().size() == 3);

        loseNextAnswer = true;
        assertThatThrownBy(() -> reconciler.reconcile(TERM_1)).isInstanceOf(StoreException.class);
        Map<String, Optional<RestartGrant>> granted = grants("agent-7", "agent-8", "agent-9");
        assertThat(granted.values().stream().filter(Optional::isPresent)).as("etcd applied the lost commit: two grants").hasSize(2);

        clock.advance(Duration.ofSeconds(1));
        List<String> retried = writtenBy(TERM_1);

        assertThat(grants("agent-7", "agent-8", "agent-9")).as("the retry counts both grants, issues none and rewrites none")
                .isEqualTo(granted);
        assertThat(retried).doesNotContain(keys.plan("agent-7"), keys.plan("agent-8"), keys.plan("agent-9"));
        assertThat(status().events().stream().filter(e -> e.reason().equals("RestartGranted"))).hasSize(2);
    }

    private Map<String, Optional<RestartGrant>> grants(String... agentIds) throws java.io.IOException {
        Map<String, Optional<RestartGrant>> out = new java.util.TreeMap<>();
        for (String id : agentIds) {
            out.put(id, codec.json().readValue(kv.get(keys.plan(id)).orElseThrow().value(), AgentPlan.class).restartGrant());
        }
        return out;
    }

    private ClusterStatus status() {
        return store.status().orElse(ClusterStatus.empty());
    }

    @Test
    void aStatusThatMovedOnlyInItsCountsIsHeldBackASecondAndThePassAsksForAnotherByThen() throws InterruptedException {
        writtenBy(TERM_1);
        clock.advance(Duration.ofMillis(300));
        awaitingRestart("agent-7");

        assertThat(writtenBy(TERM_1)).containsExactly(keys.plan("agent-7"), keys.agentStatus("agent-7"));
        assertThat(last.passWithin()).isEqualTo(Duration.ofMillis(700));

        clock.advance(Duration.ofMillis(700));
        assertThat(writtenBy(TERM_1)).containsExactly(keys.status());
        assertThat(last.passWithin()).isNull();
    }

    @Test
    void aNewTermsFirstPassDoesNotWaitForAWriteOutsideTheClusterThatItsWatchNeverBrings() throws InterruptedException {
        writtenBy(TERM_1);
        // The new leader's campaign key: etcd's newest revision, outside the cluster prefix the view watches.
        kv.put(keys.election() + "/replica-2", "replica-2".getBytes(StandardCharsets.UTF_8));

        assertThat(writtenBy(TERM_2)).first().isEqualTo(keys.term());
        assertThat(last.outcome()).isNotEqualTo(PassResult.Outcome.NOT_LEADER);
    }

    @Test
    void aNewLeadershipTermPlansEveryoneAgainWithoutReReadingTheCluster() throws InterruptedException {
        writtenBy(TERM_1);
        long snapshots = view.snapshotsRead();
        int reads = kv.reads();
        kv.delete(keys.plan("agent-3")); // what a leader of a term in between did, for all this one knows

        assertThat(writtenBy(TERM_2)).as("the next term marks itself, then re-plans everyone from the view")
                .containsExactly(keys.term(), keys.plan("agent-3"));
        assertThat(view.snapshotsRead()).as("snapshots read").isEqualTo(snapshots);
        assertThat(kv.reads() - reads).as("etcd reads for the new term").isZero();
    }

    @Test
    void theWorkloadsAreLookedUpOnlyWhileAnAgentWaitsForADisruptiveRestartAndAtMostEveryThirtySeconds() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        reconciler = new ClusterReconciler(store, view, codec, () -> agents, clock, Duration.ofMinutes(10), Optional.empty(),
                new WorkloadCache(() -> {
                    lookups.incrementAndGet();
                    return Map.of("agent-7", List.of(new Workload("marathon", true, "web", Workload.Containerizer.DOCKER),
                            new Workload("marathon", true, "api", Workload.Containerizer.DOCKER)));
                }, WorkloadCache.REFRESH));
        writtenBy(TERM_1);
        clock.advance(Duration.ofSeconds(1));
        awaitingRestart("agent-3", StepName.ETCD_PROXY);
        writtenBy(TERM_1);
        assertThat(lookups).as("nobody waits for a restart that can stop workloads").hasValue(0);
        awaitingRestart("agent-3", null); // its proxy restarted: the slot is free again

        clock.advance(Duration.ofSeconds(1));
        awaitingRestart("agent-7");
        writtenBy(TERM_1);

        assertThat(lookups).hasValue(1);
        assertThat(grantMessage("agent-7")).endsWith("; docker restart stops up to 2 running tasks of the Docker containerizer"
                + " (2 of marathon: api, web) (live-restore not reported)");
        clock.advance(Duration.ofSeconds(10));
        awaitingRestart("agent-8", StepName.CNI);
        writtenBy(TERM_1);
        assertThat(lookups).as("a listing 10 s old is used again").hasValue(1);
        assertThat(grantMessage("agent-8")).endsWith("; no running workloads (as listed by the Mesos master 10 s earlier)");

        clock.advance(Duration.ofSeconds(20));
        awaitingRestart("agent-9");
        writtenBy(TERM_1);
        assertThat(lookups).as("30 s later, with agents waiting").hasValue(2);
    }

    @Test
    void aFailedLookupNeverHoldsAGrantBack() throws Exception {
        reconciler = new ClusterReconciler(store, view, codec, () -> agents, clock, Duration.ofMinutes(10), Optional.empty(),
                new WorkloadCache(() -> {
                    throw new IllegalStateException("GET /master/frameworks timed out");
                }, WorkloadCache.REFRESH));
        writtenBy(TERM_1);
        clock.advance(Duration.ofSeconds(1));
        awaitingRestart("agent-7");

        assertThat(writtenBy(TERM_1)).contains(keys.plan("agent-7"));

        assertThat(grantMessage("agent-7")).endsWith("; workloads unknown: GET /master/frameworks timed out");
    }

    private String grantMessage(String agentId) throws java.io.IOException {
        ClusterStatus status = codec.json().readValue(kv.get(keys.status()).orElseThrow().value(), ClusterStatus.class);
        return status.events().stream().filter(e -> e.reason().equals("RestartGranted") && agentId.equals(e.agentId()))
                .map(ClusterEvent::message).reduce((first, second) -> second).orElseThrow();
    }
}
