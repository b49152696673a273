package dev.calicodcos.controller.loop;

import dev.calicodcos.controller.agents.AgentSource;
import dev.calicodcos.controller.agents.WorkloadCache;
import dev.calicodcos.controller.agents.WorkloadSource;
import dev.calicodcos.controller.health.Readiness;
import dev.calicodcos.controller.maintenance.Machine;
import dev.calicodcos.controller.maintenance.MaintenanceDrains;
import dev.calicodcos.controller.plan.IncrementalPlanner;
import dev.calicodcos.controller.plan.PlanDelta;
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
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.validation.Problem;
import dev.calicodcos.model.validation.ReadResult;
import dev.calicodcos.model.validation.SpecReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One level-triggered pass for one cluster: read the view of the cluster (no etcd read), plan the
 * agents that changed (everyone when the spec, control, agent list or term changed), and write only
 * what changed, in transactions fenced by leadership, releases before grants. While an agent waits for
 * a Docker or Mesos agent restart, the workloads its grant would name are looked up first (at most
 * every {@link WorkloadCache#REFRESH}), outside the view, so the watch and the status page go on meanwhile.
 * After the write, the machines of agents holding a drain grant are put in the Mesos maintenance
 * schedule or taken out ({@link MaintenanceDrains}); what that did is an event of the next round.
 */
public final class ClusterReconciler implements ReconcilePass {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReconciler.class);
    /** How long a pass waits for the watch to bring back the previous pass's own writes. */
    private static final Duration OWN_WRITES = Duration.ofSeconds(10);
    /** Every status event once, in the controller's log. */
    private final EventLog events = new EventLog(e -> LOG.info("event reason={} agent={} step={} specRevision={} message={}", e.reason(),
            Objects.requireNonNullElse(e.agentId(), "-"), Objects.requireNonNullElse(e.step(), "-"), e.specRevision(), e.message()));
    /** A term began: the events in the stored status were an earlier leader's to tell. */
    private boolean historyToSkip;
    /** The least time between two status documents that differ only in counts and events. */
    private static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);

    private final ClusterStore store;
    private final ClusterView view;
    private final SpecReader reader;
    private final IncrementalPlanner planner;
    private final AgentSource agents;
    private final Clock clock;
    private final Duration goneGracePeriod;
    private final Optional<String> selfHost;
    private final WorkloadCache workloads;
    private final Function<Instant, Optional<String>> fleetProblem;
    private final DisruptiveWaiters waiters = new DisruptiveWaiters();
    private final Optional<MaintenanceDrains> drains;
    /** Events of side effects (the maintenance schedule) not yet in a written plan round. */
    private final List<ClusterEvent> notes = new ArrayList<>();
    /** Agents changed since the last plan, carried over a read that stopped to look the workloads up first. */
    private final Set<String> carried = new HashSet<>();
    // State across passes, all on the loop thread: the spec in force, the last spec read, the leadership
    // term, the revision of the last write this controller made, and the batches of a write that failed
    // without an answer (etcd may have applied them) until a pass has seen whatever of them landed.
    private LastGoodSpec lastGood;
    private ReadSpec lastRead;
    private KvStore.Fence term;
    private long lastWrite;
    private List<List<PlannedWrite>> unanswered = List.of();

    public ClusterReconciler(ClusterStore store, ClusterView view, SpecCodec codec, AgentSource agents, Clock clock,
                             Duration goneGracePeriod) {
        this(store, view, codec, agents, clock, goneGracePeriod, Optional.empty());
    }

    /** @param selfHost the host name of the agent this controller runs on (Marathon's {@code HOST}): rolled last */
    public ClusterReconciler(ClusterStore store, ClusterView view, SpecCodec codec, AgentSource agents, Clock clock,
                             Duration goneGracePeriod, Optional<String> selfHost) {
        this(store, view, codec, agents, clock, goneGracePeriod, selfHost, new WorkloadCache(WorkloadSource.NONE, WorkloadCache.REFRESH));
    }

    /** @param workloads the other frameworks' tasks on the agents, named in the events of grants for disruptive restarts */
    public ClusterReconciler(ClusterStore store, ClusterView view, SpecCodec codec, AgentSource agents, Clock clock,
                             Duration goneGracePeriod, Optional<String> selfHost, WorkloadCache workloads) {
        this(store, view, codec, agents, clock, goneGracePeriod, selfHost, workloads, Optional.empty(), now -> Optional.empty());
    }

    /**
     * @param drains       puts the machines of agents holding a drain grant in the Mesos maintenance schedule ({@code rollout.drain})
     * @param fleetProblem why the leader's node-agent fleet cannot act (its Mesos subscription is down), for the
     *                     status's ControllerReady condition
     */
    public ClusterReconciler(ClusterStore store, ClusterView view, SpecCodec codec, AgentSource agents, Clock clock,
                             Duration goneGracePeriod, Optional<String> selfHost, WorkloadCache workloads, Optional<MaintenanceDrains> drains,
                             Function<Instant, Optional<String>> fleetProblem) {
        this.drains = drains;
        this.fleetProblem = fleetProblem;
        this.selfHost = selfHost;
        this.workloads = workloads;
        this.store = store;
        this.view = view;
        this.reader = new SpecReader(codec);
        this.planner = new IncrementalPlanner(new Planner(codec));
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
        if (!awaitCurrentView(fence)) {
            return PassResult.notLeader();
        }
        Planned planned;
        try {
            planned = view.read((world, changes) -> plan(world, changes, false));
            if (planned.lookUpFirst()) {
                workloads.refresh(clock.instant());
                planned = view.read((world, changes) -> plan(world, changes, true));
            }
        } catch (RuntimeException e) {
            planner.forget(); // the changes this pass was given are lost with it
            waiters.forget();
            carried.clear();
            throw e;
        }
        if (planned.delta().isEmpty()) {
            return new PassResult(PassResult.Outcome.NO_SPEC, planned.found(), planned.plannedAgents());
        }
        PassResult result = write(fence, planned);
        if (result.outcome() != PassResult.Outcome.NOT_LEADER) {
            notes.removeAll(planned.notes());
            PlanDelta delta = planned.delta().get();
            drains.ifPresent(d -> drain(d, fence, delta));
        }
        return result;
    }

    /** After the plans are written: the machines of agents holding a drain grant go into the maintenance schedule, or out of it. */
    private void drain(MaintenanceDrains d, KvStore.Fence fence, PlanDelta delta) {
        d.planned(delta);
        if (lastGood == null) {
            return;
        }
        Map<String, Machine> machines = new HashMap<>();
        Function<String, Optional<Machine>> machineOf = agentId -> {
            if (machines.isEmpty()) {
                agents.agents().forEach(a -> machines.put(a.agentId(), new Machine(a.hostname(), a.ip())));
            }
            return Optional.ofNullable(machines.get(agentId));
        };
        notes.addAll(d.sync(fence, lastGood.cluster().spec().rollout(), machineOf, clock.instant(), lastGood.revision()));
    }

    /**
     * A pass's plan and the writes it needs, computed while the view holds still; {@code statusLater}
     * when the status document was held back; {@code lookUpFirst} when nothing was planned because the
     * workloads are to be looked up first.
     */
    private record Planned(Optional<PlanDelta> delta, List<List<PlannedWrite>> batches, ClusterStatus found, Set<String> plannedAgents,
                           Duration statusLater, boolean lookUpFirst, List<ClusterEvent> notes) {
        Planned(Optional<PlanDelta> delta, List<List<PlannedWrite>> batches, ClusterStatus found, Set<String> plannedAgents,
                Duration statusLater) {
            this(delta, batches, found, plannedAgents, statusLater, false, List.of());
        }

        Planned withNotes(List<ClusterEvent> used) {
            return new Planned(delta, batches, found, plannedAgents, statusLater, lookUpFirst, used);
        }

        static final Planned LOOK_UP_FIRST = new Planned(Optional.empty(), List.of(), ClusterStatus.empty(), Set.of(), null, true, List.of());
    }

    /** @param lookedUp the workloads were just looked up for this pass: plan with them, whoever waits */
    private Planned plan(ClusterSnapshot world, ClusterView.Changes changes, boolean lookedUp) {
        if (changes.resynced()) {
            planner.forget();
        }
        waiters.update(changes.resynced(), changes.agents(), world.reports());
        if (world.spec().isEmpty()) {
            ClusterStatus found = world.statusDocument().orElse(ClusterStatus.empty());
            return new Planned(Optional.empty(), List.of(), found, Set.copyOf(world.plans().keySet()), null);
        }
        Versioned stored = world.spec().get();
        Optional<List<String>> invalid = Optional.empty();
        ReadResult read = read(stored);
        if (read instanceof ReadResult.Valid valid) {
            lastGood = new LastGoodSpec(valid.cluster(), stored.modRevision());
        } else {
            invalid = Optional.of(read.problems().stream().map(Problem::text).toList());
            if (lastGood == null) {
                lastGood = world.specInForce().map(LastGoodSpec::of).orElse(null); // after a controller restart
            }
            if (lastGood == null) {
                LOG.warn("spec is invalid and no valid spec was ever applied revision={}", stored.modRevision());
                planner.newTerm(); // the status written here is not the planner's: start again from the stored one
                return planned(world, PlanDelta.of(invalidOnly(world, stored.modRevision(), invalid.get()), world.allRows().keySet()));
            }
        }
        carried.addAll(changes.agents());
        Instant now = clock.instant();
        if (!lookedUp && workloads.due(waiters.any(), now)) {
            return Planned.LOOK_UP_FIRST; // the changes so far are carried to the read after the lookup
        }
        PlanInput input = new PlanInput(lastGood.cluster(), lastGood.revision(), stored.modRevision(), invalid, agents.agents(),
                world.reports(), world.plans(), world.control(), world.statusDocument().orElse(ClusterStatus.empty()), world.allRows(),
                world.specInForce(), now, goneGracePeriod, selfHost, workloads.current(), notes);
        Set<String> changed = Set.copyOf(carried);
        carried.clear();
        return planned(world, planner.plan(input, changed)).withNotes(input.notes());
    }

    private Planned planned(ClusterSnapshot world, PlanDelta planned) {
        if (historyToSkip) {
            events.alreadyTold(world.statusDocument().map(ClusterStatus::events).orElse(List.of()));
            historyToSkip = false;
        }
        Instant now = clock.instant();
        PlanDelta delta = planned.withSummary(Readiness.withCondition(planned.summary(), fleetProblem.apply(now).stream().toList(),
                world.statusDocument().orElse(ClusterStatus.empty()), now));
        Duration statusLater = WriteOrder.statusDueIn(world.statusDocument(), delta.summary(), STATUS_INTERVAL)
                .filter(wait -> !wait.isZero()).orElse(null);
        return new Planned(Optional.of(delta), WriteOrder.batches(delta, world.stored(), ClusterStore.MAX_WRITES_PER_TXN, STATUS_INTERVAL),
                delta.summary(), delta.plannedAgents(), statusLater);
    }

    /** The spec is read and validated once per revision, not once per pass. */
    private ReadResult read(Versioned stored) {
        if (lastRead == null || lastRead.revision() != stored.modRevision()) {
            lastRead = new ReadSpec(stored.modRevision(), reader.read(stored.value()));
        }
        return lastRead.result();
    }

    private record ReadSpec(long revision, ReadResult result) {}

    /**
     * Waits until the view holds every write that matters: a new leadership term first writes its
     * term key (fenced; every earlier leader's write precedes it), waits for the view to bring it back
     * and plans everyone once; within a term the view must have seen this controller's own last write,
     * or the budget would count grants that are missing. That includes a write whose answer was lost
     * (an ambiguous commit: the connection dropped after etcd applied it, and the watch on it may have
     * lost the change too), at the revision etcd shows for it. False when the fence failed: not leader.
     */
    private boolean awaitCurrentView(KvStore.Fence fence) throws InterruptedException {
        long atLeast = lastWrite;
        if (!fence.equals(term)) {
            OptionalLong marked = store.markTerm(fence, clock.instant());
            if (marked.isEmpty()) {
                return false;
            }
            atLeast = marked.getAsLong();
            lastWrite = atLeast;
            planner.newTerm();
            drains.ifPresent(MaintenanceDrains::newTerm);
            historyToSkip = true;
            term = fence;
        }
        if (!unanswered.isEmpty()) {
            atLeast = Math.max(atLeast, store.landedRevision(unanswered));
        }
        if (!view.awaitRevision(atLeast, OWN_WRITES)) {
            throw new StoreException("the etcd watch has not brought back revision " + atLeast + " within "
                    + OWN_WRITES.toSeconds() + "s", null);
        }
        unanswered = List.of();
        return true;
    }

    private PassResult write(KvStore.Fence fence, Planned planned) {
        PassResult.Outcome outcome = PassResult.Outcome.UNCHANGED;
        if (!planned.batches().isEmpty()) {
            OptionalLong revision;
            try {
                revision = store.commit(fence, planned.batches());
            } catch (RuntimeException e) {
                planner.forget(); // some batches may have landed: etcd no longer holds what the planner remembers
                unanswered = planned.batches();
                throw e;
            }
            if (revision.isEmpty()) {
                planner.forget();
                return PassResult.notLeader();
            }
            lastWrite = revision.getAsLong();
            outcome = PassResult.Outcome.WROTE;
            planned.delta().ifPresent(delta -> events.tell(delta.summary().events()));
            LOG.debug("wrote keys count={} revision={}", planned.batches().stream().mapToInt(List::size).sum(), lastWrite);
        }
        return new PassResult(outcome, planned.found(), planned.plannedAgents(), planned.statusLater());
    }

    /** A status saying why nothing is planned: the spec is invalid and none was ever valid. */
    private PlanResult invalidOnly(ClusterSnapshot world, long revision, List<String> problems) {
        ClusterStatus previous = world.statusDocument().orElse(ClusterStatus.empty());
        ClusterStatus status = new ClusterStatus(revision, 0, List.of(new Condition(
                Condition.INVALID_SPEC, "True", "ValidationFailed",
                "the spec is invalid and no valid spec was ever applied: " + String.join("; ", problems), clock.instant())),
                Map.of(), Map.of(), previous.rollout(), Map.of(), previous.events(), clock.instant());
        return new PlanResult(Optional.empty(), world.plans(), Set.of(), status);
    }
}
