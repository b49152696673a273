package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@link Planner} at the cost of what changed. It remembers the last round (rows, plans, grants,
 * counts, and the agents waiting for a restart slot in the order they get one), and when only some
 * agents' reports, plans or rows changed it re-plans those agents and the budget (and the grants waiting for
 * their drain, which a new workload listing may release): O(changed · log N)
 * instead of O(N). Anything that concerns every agent (the spec, the control key, the agent list,
 * the first round, {@link #forget}) makes it plan everyone with the {@code Planner} itself.
 *
 * <p>Within a leadership term the leader is the only writer of the status document, and may hold
 * it back (see {@link WriteOrder}), so the status it computed last, not the stored one, is the
 * previous status of the next round; a new term ({@link #newTerm}) starts from the stored one.
 * Its output equals the full planner's given that previous status; a property test checks that
 * over random event sequences. Not thread-safe: one loop thread owns it.
 */
public final class IncrementalPlanner {
    private final Planner planner;
    private Memory memory;
    /** The status of the last round this term, which etcd may not hold yet. */
    private ClusterStatus lastStatus;
    private long fullRounds;

    public IncrementalPlanner(Planner planner) {
        this.planner = planner;
    }

    /** Plans everyone next round: the stored documents may no longer be what this planner wrote. */
    public void forget() {
        memory = null;
    }

    /** Plans everyone next round from the stored status: a leader of a term in between may have written it. */
    public void newTerm() {
        memory = null;
        lastStatus = null;
    }

    /**
     * Plans a round. {@code changedAgents} names every agent whose report, plan or status row changed
     * in etcd since the previous round (a superset does no harm).
     */
    public PlanDelta plan(PlanInput in, Set<String> changedAgents) {
        PlanInput current = lastStatus == null ? in : in.withPrevious(lastStatus);
        PlanDelta delta;
        if (memory == null || !memory.sameWorld(current) || in.cluster().spec().uninstall()) {
            // An uninstall is rare and ends in removing every plan at once: plan everyone while it lasts.
            fullRounds++;
            PlanResult full = planner.plan(current);
            memory = new Memory(current, full, planner.stepHashes(in.cluster().spec()));
            delta = PlanDelta.of(full, in.previousRows().keySet());
        } else {
            delta = memory.replan(current, changedAgents);
            if (memory.waveTurned) { // the canary wave passed: every held agent's plan changes
                fullRounds++;
                PlanResult full = planner.plan(current);
                memory = new Memory(current, full, planner.stepHashes(in.cluster().spec()));
                delta = PlanDelta.of(full, in.previousRows().keySet());
            }
        }
        lastStatus = delta.summary();
        return delta;
    }

    /** How many rounds planned every agent: the rest planned only what changed. */
    public long fullRounds() {
        return fullRounds;
    }

    /** What the last round planned, indexed for the next one. */
    private static final class Memory {
        // What makes a round concern every agent when it changes.
        private final long specRevision;
        private final long observedRevision;
        private final Optional<List<String>> invalidSpec;
        private final ControlState control;
        private final List<AgentView> agentList;
        private final Optional<SpecInForce> specInForce;
        // Derived from the above, fixed until the next full round.
        private final Map<StepName, String> stepHashes;
        private final Map<String, AgentView> listed = new HashMap<>();
        private final Set<String> selected;
        private final Pause pause;
        private final boolean paused;
        private final Optional<String> self;
        private final Set<String> canaries;
        /** The canary wave holds the other agents (fixed until the next full round, which its passing triggers). */
        private final boolean held;
        private boolean waveTurned;
        // The last round's output and its indexes.
        private final Map<String, AgentStatus> rows;
        private final Map<String, AgentPlan> plans;
        private final Map<String, Instant> goneSince = new TreeMap<>();
        /** Listed agents the spec no longer selects that keep their plan while they hold a grant. */
        private final Set<String> deselected = new HashSet<>();
        private final Map<String, RestartGrant> grants = new HashMap<>();
        private final Set<String> failed = new HashSet<>();
        private final Map<AgentPhase, Integer> counts = new EnumMap<>(AgentPhase.class);
        private final Map<StepName, Map<StepPhase, Integer>> steps = new EnumMap<>(StepName.class);
        private final SortedSet<RestartBudget.Candidate> waiting = new TreeSet<>(RestartBudget.Candidate.ORDER);
        private final Map<String, RestartBudget.Candidate> waitingByAgent = new HashMap<>();
        private Set<String> plannedAgents;
        /** Whether an agent got or lost its plan since {@link #plannedAgents} was taken. */
        private boolean plannedChanged;
        private ClusterStatus summary;

        Memory(PlanInput in, PlanResult full, Map<StepName, String> stepHashes) {
            specRevision = in.specRevision();
            observedRevision = in.observedRevision();
            invalidSpec = in.invalidSpec();
            control = in.control();
            agentList = in.agents();
            specInForce = full.specInForce();
            this.stepHashes = stepHashes;
            in.agents().forEach(a -> listed.put(a.agentId(), a));
            selected = new HashSet<>();
            List<AgentView> selectedViews = AgentSelection.select(in.cluster().spec().agents(), in.agents());
            selectedViews.forEach(a -> selected.add(a.agentId()));
            self = RolloutOrder.self(in.selfHost(), in.agents());
            canaries = RolloutOrder.canaries(in.cluster().spec().rollout().canary(), selectedViews, self);
            pause = Pause.of(in, canaries, selected.size());
            paused = pause.paused();
            held = !full.status().rollout().canaryAgents().isEmpty();
            rows = new HashMap<>(full.status().agents());
            plans = new HashMap<>(full.plans());
            plans.forEach((id, plan) -> plan.restartGrant().ifPresent(grant -> grants.put(id, grant)));
            rows.values().stream().filter(row -> row.goneSince() != null).forEach(row -> goneSince.put(row.agentId(), row.goneSince()));
            plans.keySet().stream().filter(id -> listed.containsKey(id) && !selected.contains(id)).forEach(deselected::add);
            rows.values().forEach(row -> count(row, +1));
            in.reports().keySet().forEach(id -> updateWaiting(id, in));
            plannedAgents = Set.copyOf(plans.keySet());
            summary = full.status().withoutAgents();
        }

        /** Whether {@code in} differs from the last round only in reports, plans and rows. */
        boolean sameWorld(PlanInput in) {
            return in.specRevision() == specRevision
                    && in.observedRevision() == observedRevision
                    && in.invalidSpec().equals(invalidSpec)
                    && in.control().equals(control)
                    && (in.agents() == agentList || in.agents().equals(agentList))
                    && in.storedSpec().equals(specInForce);
        }

        PlanDelta replan(PlanInput in, Set<String> changedAgents) {
            // Besides the changed agents, only gone agents (their grace runs out) and deselected ones
            // (their grant may have been released last round) can change.
            SortedSet<String> touched = new TreeSet<>(changedAgents);
            touched.addAll(goneSince.keySet());
            touched.addAll(deselected);
            touched.forEach(agentId -> remember(agentId, in)); // what etcd holds now is what the full planner starts from
            List<ClusterEvent> events = new ArrayList<>(in.notes());

            Set<String> deletePlans = new HashSet<>();
            Map<String, Instant> stillGone = new HashMap<>();
            for (String agentId : touched) {
                AgentPlan plan = plans.get(agentId);
                if (plan != null) {
                    Planner.judge(in, agentId, plan, listed.containsKey(agentId), selected.contains(agentId), rows.get(agentId),
                            deletePlans, stillGone, events);
                }
            }
            touched.forEach(goneSince::remove);
            goneSince.putAll(stillGone);

            Map<String, AgentStatus> putRows = new TreeMap<>();
            Set<String> deleteRows = new HashSet<>();
            Set<String> kept = new HashSet<>();
            for (String agentId : touched) {
                AgentStatus before = rows.get(agentId);
                if (!(selected.contains(agentId) || goneSince.containsKey(agentId) || plans.containsKey(agentId) && !deletePlans.contains(agentId))) {
                    if (before != null) {
                        setRow(agentId, null);
                        deleteRows.add(agentId);
                    }
                    continue;
                }
                kept.add(agentId);
                AgentView view = listed.get(agentId);
                String hostname = view != null ? view.hostname() : before != null ? before.hostname() : agentId;
                AgentStatus row = AgentPhases.derive(agentId, hostname, in.reports().get(agentId), before, specRevision, goneSince.get(agentId));
                Planner.phaseEvents(in, before, row, events);
                if (!row.equals(before)) {
                    setRow(agentId, row);
                    putRows.put(agentId, row);
                }
            }
            RolloutStatus rollout = Planner.rollout(in, failed, paused, events);

            if (held && !RolloutOrder.held(canaries, specRevision, in.previous().rollout(), rows, rollout.acceptedFailures())) {
                waveTurned = true;
            }
            RolloutOrder order = new RolloutOrder(canaries, held, self, othersBehind());

            // The budget: a deleted plan's grant goes with it; a changed report may release one.
            Map<String, RestartGrant> released = new TreeMap<>();
            for (String agentId : touched) {
                RestartGrant grant = grants.get(agentId);
                if (grant != null && deletePlans.contains(agentId)) {
                    grants.remove(agentId);
                } else if (grant != null && !RestartBudget.stillNeeded(grant, in.reports().get(agentId))) {
                    grants.remove(agentId);
                    released.put(agentId, grant);
                }
                updateWaiting(agentId, in);
            }
            // A grant that waits for its drain may be released by a newer workload listing, whoever changed: look at
            // every grant (they are within the budget, a few).
            Map<String, RestartGrant> drained = new TreeMap<>();
            for (Map.Entry<String, RestartGrant> held : List.copyOf(grants.entrySet())) {
                RestartGrant now = Drains.kept(held.getValue(), held.getKey(), in.cluster().spec().rollout(), in.workloads(), in.now());
                if (!now.equals(held.getValue())) {
                    grants.put(held.getKey(), now);
                    drained.put(held.getKey(), now);
                    kept.add(held.getKey());
                }
            }
            Map<String, RestartGrant> issued = new LinkedHashMap<>();
            int max = in.cluster().spec().rollout().maxConcurrentRestarts();
            if (!paused && !rollout.halted() && in.invalidSpec().isEmpty()) {
                long unhealthy = Planner.unhealthy(failed, rollout, selected).stream().filter(id -> !grants.containsKey(id)).count();
                List<RestartBudget.Candidate> next = new ArrayList<>();
                for (RestartBudget.Candidate candidate : waiting) {
                    if (grants.size() + unhealthy + next.size() >= max) {
                        break;
                    }
                    if (order.mayTakeSlot(candidate.agentId())) {
                        next.add(candidate);
                    }
                }
                for (RestartBudget.Candidate candidate : next) {
                    RestartGrant grant = Drains.issue(in.cluster().spec().rollout(), candidate, in.now());
                    grants.put(candidate.agentId(), grant);
                    issued.put(candidate.agentId(), grant);
                    kept.add(candidate.agentId()); // a candidate is selected, so kept
                    updateWaiting(candidate.agentId(), in);
                }
            }
            Planner.grantEvents(in, new RestartBudget.Allocation(grants, issued, released, drained), events);

            Map<String, AgentPlan> putPlans = new TreeMap<>();
            for (String agentId : new TreeSet<>(kept)) {
                if (deletePlans.contains(agentId)) {
                    continue;
                }
                AgentPlan plan = new AgentPlan(agentId, specRevision, stepHashes, Optional.ofNullable(grants.get(agentId)),
                        paused || !order.mayStart(agentId), false); // an uninstall is planned by the full planner
                AgentPlan before = plans.put(agentId, plan);
                plannedChanged |= before == null;
                if (!plan.equals(before)) {
                    putPlans.put(agentId, plan);
                }
            }
            plannedChanged |= plans.keySet().removeAll(deletePlans);
            deselected.removeAll(deletePlans);
            if (plannedChanged) {
                plannedAgents = Set.copyOf(plans.keySet());
                plannedChanged = false;
            }

            RolloutStatus withGrants = Planner.withWave(new RolloutStatus(grants.size(), rollout.paused(), rollout.halted(),
                    rollout.haltedSince(), rollout.acceptedFailures()), order, in);
            StatusConditions.Facts facts = new StatusConditions.Facts(selected.size(), counts, pause,
                    rollout.halted(), in.cluster().spec().rollout().maxFailedAgents(), in.invalidSpec(), false, false);
            summary = new ClusterStatus(in.observedRevision(), specRevision, StatusConditions.of(facts, summary, in.now()), counts,
                    stepSummary(), withGrants, Map.of(), Planner.bounded(summary.events(), events), in.now());
            return new PlanDelta(Optional.empty(), putPlans, deletePlans, putRows, deleteRows, summary, plannedAgents);
        }

        /**
         * Takes an agent's plan, grant and row as etcd holds them: the same as remembered unless
         * someone else wrote them (with etcdctl, say), and then the full planner would start from etcd's.
         */
        private void remember(String agentId, PlanInput in) {
            AgentPlan plan = in.plans().get(agentId);
            if (plan == null) {
                plannedChanged |= plans.remove(agentId) != null;
                grants.remove(agentId);
            } else {
                plannedChanged |= plans.put(agentId, plan) == null;
                plan.restartGrant().ifPresentOrElse(grant -> grants.put(agentId, grant), () -> grants.remove(agentId));
            }
            setRow(agentId, in.previousRows().get(agentId));
        }

        /** Whether a selected agent other than the controller's own is still on its way to Ready (from the counts: O(1)). */
        private boolean othersBehind() {
            int behind = RolloutOrder.ON_ITS_WAY.stream().mapToInt(phase -> counts.getOrDefault(phase, 0)).sum();
            AgentStatus own = self.map(rows::get).orElse(null);
            if (own != null && selected.contains(own.agentId()) && RolloutOrder.ON_ITS_WAY.contains(own.phase())) {
                behind--;
            }
            return behind > 0;
        }

        private Map<StepName, Map<StepPhase, Integer>> stepSummary() {
            Map<StepName, Map<StepPhase, Integer>> copy = new EnumMap<>(StepName.class);
            steps.forEach((step, byPhase) -> copy.put(step, Map.copyOf(byPhase)));
            return copy;
        }

        /** Replaces an agent's row ({@code null}: none) and keeps the counts, step summary and failed set in step. */
        private void setRow(String agentId, AgentStatus after) {
            AgentStatus before = rows.get(agentId);
            if (Objects.equals(before, after)) {
                return;
            }
            if (before != null) {
                count(before, -1);
            }
            if (after != null) {
                count(after, +1);
                rows.put(agentId, after);
            } else {
                rows.remove(agentId);
            }
        }

        private void count(AgentStatus row, int delta) {
            if (selected.contains(row.agentId())) {
                add(counts, row.phase(), delta);
            }
            row.steps().forEach((step, cell) -> {
                Map<StepPhase, Integer> byPhase = steps.computeIfAbsent(step, s -> new EnumMap<>(StepPhase.class));
                add(byPhase, cell.phase(), delta);
                if (byPhase.isEmpty()) {
                    steps.remove(step);
                }
            });
            if (row.phase() == AgentPhase.FAILED) {
                if (delta > 0) {
                    failed.add(row.agentId());
                } else {
                    failed.remove(row.agentId());
                }
            }
        }

        private static <K> void add(Map<K, Integer> counts, K key, int delta) {
            int n = counts.getOrDefault(key, 0) + delta;
            if (n == 0) {
                counts.remove(key);
            } else {
                counts.put(key, n);
            }
        }

        /** Puts the agent in the queue for a restart slot, or takes it out, as its report and grant say. */
        private void updateWaiting(String agentId, PlanInput in) {
            RestartBudget.Candidate old = waitingByAgent.remove(agentId);
            if (old != null) {
                waiting.remove(old);
            }
            AgentReport report = in.reports().get(agentId);
            if (report == null || !selected.contains(agentId) || grants.containsKey(agentId) || report.specRevision() != specRevision) {
                return;
            }
            RestartBudget.waiting(report).ifPresent(candidate -> {
                waiting.add(candidate);
                waitingByAgent.put(agentId, candidate);
            });
        }
    }

}
