package dev.calicodcos.controller.loop;

import dev.calicodcos.controller.agents.AgentSource;
import dev.calicodcos.controller.plan.PlanInput;
import dev.calicodcos.controller.plan.PlanResult;
import dev.calicodcos.controller.plan.PlannedWrite;
import dev.calicodcos.controller.plan.Planner;
import dev.calicodcos.controller.plan.WriteOrder;
import dev.calicodcos.controller.store.ClusterSnapshot;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.controller.store.ClusterView;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.spec.Metadata;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.validation.Problem;
import dev.calicodcos.model.validation.ReadResult;
import dev.calicodcos.model.validation.SpecReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One level-triggered pass for one cluster: take the view of the cluster (no etcd read), plan, and
 * write only what changed, in transactions fenced by leadership, releases before grants.
 */
public final class ClusterReconciler implements ReconcilePass {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReconciler.class);
    /** How long a pass waits for the watch to bring back the previous pass's own writes. */
    private static final Duration OWN_WRITES = Duration.ofSeconds(10);

    private final ClusterStore store;
    private final ClusterView view;
    private final SpecReader reader;
    private final Planner planner;
    private final AgentSource agents;
    private final Clock clock;
    private final Duration goneGracePeriod;
    // State across passes, all on the loop thread: the spec in force, the leadership term the view was
    // last re-read for, and the revision of the last write this controller made.
    private LastGoodSpec lastGood;
    private KvStore.Fence term;
    private long lastWrite;

    public ClusterReconciler(ClusterStore store, ClusterView view, SpecCodec codec, AgentSource agents, Clock clock,
                             Duration goneGracePeriod) {
        this.store = store;
        this.view = view;
        this.reader = new SpecReader(codec);
        this.planner = new Planner(codec);
        this.agents = agents;
        this.clock = clock;
        this.goneGracePeriod = goneGracePeriod;
    }

    private record LastGoodSpec(CalicoCluster cluster, long revision) {
        static LastGoodSpec of(SpecInForce stored) {
            return new LastGoodSpec(new CalicoCluster(CalicoCluster.API_VERSION, CalicoCluster.KIND, new Metadata("restored", Map.of()),
                    stored.spec(), null), stored.revision());
        }
    }

    @Override
    public PassResult reconcile(KvStore.Fence fence) throws InterruptedException {
        ClusterSnapshot world = currentView(fence);
        if (world.spec().isEmpty()) {
            return new PassResult(PassResult.Outcome.NO_SPEC, world.status(), world.plans().keySet());
        }
        Versioned stored = world.spec().get();
        Optional<List<String>> invalid = Optional.empty();
        ReadResult read = reader.read(stored.value());
        if (read instanceof ReadResult.Valid valid) {
            lastGood = new LastGoodSpec(valid.cluster(), stored.modRevision());
        } else {
            invalid = Optional.of(read.problems().stream().map(Problem::text).toList());
            if (lastGood == null) {
                lastGood = world.specInForce().map(LastGoodSpec::of).orElse(null); // after a controller restart
            }
            if (lastGood == null) {
                LOG.warn("spec is invalid and no valid spec was ever applied revision={}", stored.modRevision());
                return write(fence, world, invalidOnly(world, stored.modRevision(), invalid.get()));
            }
        }
        PlanResult result = planner.plan(new PlanInput(lastGood.cluster(), lastGood.revision(), stored.modRevision(),
                invalid, agents.agents(), world.reports(), world.plans(), world.control(), world.status(), world.specInForce(), clock.instant(),
                goneGracePeriod));
        return write(fence, world, result);
    }

    /**
     * The view, once it is known to hold every write that matters: a new leadership term re-reads the
     * cluster (earlier leaders wrote before this term began), and within a term the view must have
     * seen this controller's own last write, or the budget would count grants that are missing.
     */
    private ClusterSnapshot currentView(KvStore.Fence fence) throws InterruptedException {
        if (!fence.equals(term)) {
            view.resync();
            term = fence;
        } else if (!view.awaitRevision(lastWrite, OWN_WRITES)) {
            throw new StoreException("the etcd watch has not brought back revision " + lastWrite + " within "
                    + OWN_WRITES.toSeconds() + "s", null);
        }
        return view.snapshot();
    }

    private PassResult write(KvStore.Fence fence, ClusterSnapshot world, PlanResult result) {
        List<List<PlannedWrite>> batches = WriteOrder.batches(result, world.stored(), ClusterStore.MAX_WRITES_PER_TXN);
        PassResult.Outcome outcome = PassResult.Outcome.UNCHANGED;
        if (!batches.isEmpty()) {
            OptionalLong revision = store.commit(fence, batches);
            if (revision.isEmpty()) {
                return PassResult.notLeader();
            }
            lastWrite = revision.getAsLong();
            outcome = PassResult.Outcome.WROTE;
            LOG.debug("wrote keys count={} revision={}", batches.stream().mapToInt(List::size).sum(), lastWrite);
        }
        return new PassResult(outcome, result.status(), result.plans().keySet());
    }

    /** A status saying why nothing is planned: the spec is invalid and none was ever valid. */
    private PlanResult invalidOnly(ClusterSnapshot world, long revision, List<String> problems) {
        ClusterStatus previous = world.status();
        ClusterStatus status = new ClusterStatus(revision, 0, List.of(new Condition(
                Condition.INVALID_SPEC, "True", "ValidationFailed",
                "the spec is invalid and no valid spec was ever applied: " + String.join("; ", problems), clock.instant())),
                Map.of(), Map.of(), previous.rollout(), Map.of(), previous.events(), clock.instant());
        return new PlanResult(Optional.empty(), world.plans(), Set.of(), status);
    }
}
