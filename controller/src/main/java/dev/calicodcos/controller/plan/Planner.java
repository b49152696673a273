package dev.calicodcos.controller.plan;

import dev.calicodcos.model.Redaction;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.diff.DocumentDiff;
import dev.calicodcos.model.diff.FieldChange;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The controller's brain, as a pure function: (spec, agents, reports, plans, control, previous
 * status, now) → plans, plans to delete, and the new status with its events. No I/O, no clock, no
 * randomness: the same input always gives the same output, so it is tested with tables.
 */
public final class Planner {
    private final SpecCodec codec;
    private final StepHashes hashes;

    public Planner(SpecCodec codec) {
        this.codec = codec;
        this.hashes = new StepHashes(codec);
    }

    /** The step hashes every plan carries for {@code spec}. */
    Map<StepName, String> stepHashes(CalicoClusterSpec spec) {
        return hashes.of(spec);
    }

    public PlanResult plan(PlanInput in) {
        CalicoClusterSpec spec = in.cluster().spec();
        ClusterStatus previous = in.previous();
        Map<StepName, String> stepHashes = hashes.of(spec);
        List<ClusterEvent> events = new ArrayList<>(in.notes());
        specEvents(in, stepHashes, events);

        Map<String, AgentView> listed = new TreeMap<>();
        in.agents().forEach(a -> listed.put(a.agentId(), a));
        List<AgentView> selectedViews = AgentSelection.select(spec.agents(), in.agents());
        Set<String> selected = selectedViews.stream().map(AgentView::agentId).collect(Collectors.toCollection(HashSet::new));

        // Agents the master stopped listing keep their plan (and restart slot) for a grace period.
        Map<String, Instant> goneSince = new TreeMap<>();
        Set<String> deletePlans = new HashSet<>();
        for (String agentId : new TreeSet<>(in.plans().keySet())) { // sorted: events come in agent order
            judge(in, agentId, in.plans().get(agentId), listed.containsKey(agentId), selected.contains(agentId),
                    in.previousRows().get(agentId), deletePlans, goneSince, events);
        }
        Set<String> keep = new TreeSet<>(selected);
        keep.addAll(goneSince.keySet());
        in.plans().keySet().stream().filter(id -> !deletePlans.contains(id)).forEach(keep::add);

        // Agent rows, then the rollout state they imply.
        Map<String, AgentStatus> rows = new TreeMap<>();
        for (String agentId : keep) {
            AgentView view = listed.get(agentId);
            AgentStatus before = in.previousRows().get(agentId);
            String hostname = view != null ? view.hostname() : before != null ? before.hostname() : agentId;
            AgentStatus row = AgentPhases.derive(agentId, hostname, in.reports().get(agentId), before, in.specRevision(), goneSince.get(agentId));
            rows.put(agentId, row);
            phaseEvents(in, before, row, events);
        }
        Optional<String> self = RolloutOrder.self(in.selfHost(), listed.values());
        Set<String> canaries = RolloutOrder.canaries(spec.rollout().canary(), selectedViews, self);
        Pause pause = Pause.of(in, canaries, selected.size());
        boolean paused = pause.paused();
        Set<String> failed = rows.values().stream().filter(r -> r.phase() == AgentPhase.FAILED)
                .map(AgentStatus::agentId).collect(Collectors.toSet());
        RolloutStatus rollout = rollout(in, failed, paused, events);

        RolloutOrder order = order(in, self, canaries, pause, selected, rows, rollout, events);
        if (spec.uninstall() && uninstalled(in, selected, rows)) {
            return uninstalledResult(in, deletePlans, rollout, order, events);
        }

        Map<String, AgentPlan> remaining = new TreeMap<>(in.plans());
        remaining.keySet().removeAll(deletePlans); // a deleted plan's grant is released with it
        RestartBudget.Allocation allocation = RestartBudget.allocate(spec.rollout().maxConcurrentRestarts(),
                !paused && !rollout.halted() && in.invalidSpec().isEmpty(), remaining, in.reports(), selected, in.specRevision(),
                unhealthy(failed, rollout, selected), order::mayTakeSlot, c -> Drains.issue(spec.rollout(), c, in.now()),
                (agentId, grant) -> Drains.kept(grant, agentId, spec.rollout(), in.workloads(), in.now()));
        grantEvents(in, allocation, events);

        Map<String, AgentPlan> plans = new TreeMap<>();
        for (String agentId : keep) {
            if (deletePlans.contains(agentId)) {
                continue;
            }
            plans.put(agentId, new AgentPlan(agentId, in.specRevision(), stepHashes,
                    Optional.ofNullable(allocation.grants().get(agentId)), paused || !order.mayStart(agentId), spec.uninstall()));
        }
        RolloutStatus withGrants = withWave(new RolloutStatus(allocation.grants().size(), rollout.paused(), rollout.halted(),
                rollout.haltedSince(), rollout.acceptedFailures()), order, in);
        Map<AgentPhase, Integer> counts = new EnumMap<>(AgentPhase.class);
        rows.values().stream().filter(r -> selected.contains(r.agentId()))
                .forEach(r -> counts.merge(r.phase(), 1, Integer::sum));
        StatusConditions.Facts facts = new StatusConditions.Facts(selected.size(), counts, pause,
                rollout.halted(), spec.rollout().maxFailedAgents(), in.invalidSpec(), spec.uninstall(), false);
        ClusterStatus status = new ClusterStatus(in.observedRevision(), in.specRevision(),
                StatusConditions.of(facts, previous, in.now()), counts, stepSummary(rows.values()), withGrants, rows,
                bounded(previous.events(), events), in.now());
        return new PlanResult(Optional.of(new SpecInForce(in.specRevision(), spec)), plans, deletePlans, status);
    }

    /**
     * Whether a planned agent keeps its plan: a listed agent the spec no longer selects loses it once
     * it holds no grant; an agent the master stopped listing keeps it (and its restart slot) for the
     * grace period, counted from {@code before}'s goneSince, and past it while its node agent still
     * reports the granted restart under way.
     */
    static void judge(PlanInput in, String agentId, AgentPlan plan, boolean listed, boolean selected, AgentStatus before,
                      Set<String> deletePlans, Map<String, Instant> goneSince, List<ClusterEvent> events) {
        if (listed) {
            if (!selected && plan.restartGrant().isEmpty()) {
                deletePlans.add(agentId);
                events.add(event(in, "AgentDeselected", agentId, null, "no longer selected by spec.agents; its node agent is stopped"));
            }
            return;
        }
        Instant since = before != null && before.goneSince() != null ? before.goneSince() : in.now();
        if (since.plus(in.goneGracePeriod()).isAfter(in.now()) || restartUnderWay(plan, in.reports().get(agentId))) {
            goneSince.put(agentId, since);
        } else {
            deletePlans.add(agentId);
            events.add(event(in, "AgentRemoved", agentId, null, "not listed by the Mesos master for "
                    + Duration.between(since, in.now()).toSeconds() + "s (grace " + in.goneGracePeriod().toSeconds()
                    + "s); its plan and restart slot are released"));
        }
    }

    /**
     * Whether the agent's own node agent, still reporting (its report lives under its lease), says the
     * step it was granted a restart for is restarting. The master may stop listing an agent that still
     * reaches etcd (a partition from the master only); releasing its slot then would let a second agent
     * restart while this one still is. A node agent that died loses its report, and the grace decides.
     */
    static boolean restartUnderWay(AgentPlan plan, AgentReport report) {
        return plan.restartGrant().map(grant -> report != null && report.steps().get(grant.step()) != null
                && report.steps().get(grant.step()).phase() == StepPhase.RESTARTING).orElse(false);
    }

    /**
     * Whether an uninstall is over at the spec in force: it was already (the status says so at this
     * revision), or every selected agent now reports every step removed. Then the node agents are
     * no longer needed.
     */
    static boolean uninstalled(PlanInput in, Set<String> selected, Map<String, AgentStatus> rows) {
        return alreadyUninstalled(in) || in.invalidSpec().isEmpty() && selected.stream().allMatch(id -> rows.get(id) != null
                && rows.get(id).phase() == AgentPhase.READY && rows.get(id).specRevision() == in.specRevision());
    }

    /** The previous status already said Uninstalled at the spec in force. */
    private static boolean alreadyUninstalled(PlanInput in) {
        return in.previous().appliedGeneration() == in.specRevision()
                && in.previous().condition(Condition.READY).filter(c -> c.reason().equals(StatusConditions.UNINSTALLED)).isPresent();
    }

    /** After an uninstall: no plans (the fleet ends every node agent), no rows, and a status that says Uninstalled. */
    private static PlanResult uninstalledResult(PlanInput in, Set<String> deletePlans, RolloutStatus rollout, RolloutOrder order,
                                                List<ClusterEvent> events) {
        ClusterStatus previous = in.previous();
        if (!alreadyUninstalled(in)) {
            events.add(event(in, "Uninstalled", null, null, "every selected agent removed every step at spec revision "
                    + in.specRevision() + "; the node agents are ended"));
        }
        Set<String> delete = new TreeSet<>(in.plans().keySet());
        delete.addAll(deletePlans);
        StatusConditions.Facts facts = new StatusConditions.Facts(0, Map.of(), Pause.NONE, false,
                in.cluster().spec().rollout().maxFailedAgents(), in.invalidSpec(), true, true);
        RolloutStatus idle = withWave(new RolloutStatus(0, rollout.paused(), false, null, Set.of()), order, in);
        ClusterStatus status = new ClusterStatus(in.observedRevision(), in.specRevision(), StatusConditions.of(facts, previous, in.now()),
                Map.of(), Map.of(), idle, Map.of(), bounded(previous.events(), events), in.now());
        return new PlanResult(Optional.of(new SpecInForce(in.specRevision(), in.cluster().spec())), Map.of(), delete, status);
    }

    /** The canary wave and the controller's own agent for this round, with the events of a wave starting or passing. */
    private static RolloutOrder order(PlanInput in, Optional<String> self, Set<String> canaries, Pause pause, Set<String> selected,
                                      Map<String, AgentStatus> rows, RolloutStatus rollout, List<ClusterEvent> events) {
        boolean held = RolloutOrder.held(canaries, in.specRevision(), in.previous().rollout(), rows, rollout.acceptedFailures());
        boolean othersBehind = rows.values().stream().anyMatch(r -> selected.contains(r.agentId())
                && !self.equals(Optional.of(r.agentId())) && RolloutOrder.ON_ITS_WAY.contains(r.phase()));
        waveEvents(in, canaries, held, selected.size(), events);
        pause.unmatchedCanary().filter(s -> !in.previous().condition(Condition.PAUSED).map(Condition::reason)
                .equals(Optional.of(pause.reason()))).ifPresent(s -> events.add(event(in, "CanaryMatchesNoAgent", null, null, pause.message())));
        return new RolloutOrder(canaries, held, self, othersBehind);
    }

    static void waveEvents(PlanInput in, Set<String> canaries, boolean held, int selected, List<ClusterEvent> events) {
        RolloutStatus before = in.previous().rollout();
        if (held && !before.canaryAgents().equals(canaries)) {
            events.add(event(in, "CanaryWave", null, null, "spec revision " + in.specRevision() + " goes to " + canaries.size()
                    + " canary agents first (" + String.join(", ", canaries) + "); the other " + (selected - canaries.size())
                    + " wait until every one of them is Ready"));
        } else if (!held && !canaries.isEmpty() && before.canaryPassedRevision() != in.specRevision()) {
            events.add(event(in, "CanaryPassed", null, null, "the " + canaries.size() + " canary agents are Ready at spec revision "
                    + in.specRevision() + "; the other agents follow"));
        }
    }

    /** The status's rollout part with the wave: the agents it holds for, and the revision it passed at. */
    static RolloutStatus withWave(RolloutStatus rollout, RolloutOrder order, PlanInput in) {
        long passed = !order.canaries().isEmpty() && !order.held() ? in.specRevision() : in.previous().rollout().canaryPassedRevision();
        return new RolloutStatus(rollout.grantsInFlight(), rollout.paused(), rollout.halted(), rollout.haltedSince(),
                rollout.acceptedFailures(), order.held() ? order.canaries() : Set.of(), passed);
    }

    /** Failed agents whose failure nobody accepted: they count against the disruption budget (a DaemonSet's unavailable pods). */
    static Set<String> unhealthy(Set<String> failed, RolloutStatus rollout, Set<String> selected) {
        Set<String> out = new HashSet<>(failed);
        out.removeAll(rollout.acceptedFailures());
        out.retainAll(selected);
        return out;
    }

    /** Halts when more agents failed than allowed; a spec change or a resume accepts the failures seen so far. */
    static RolloutStatus rollout(PlanInput in, Set<String> failed, boolean paused, List<ClusterEvent> events) {
        RolloutStatus before = in.previous().rollout();
        Set<String> accepted = new HashSet<>(before.acceptedFailures());
        accepted.retainAll(failed);
        boolean specChanged = in.previous().appliedGeneration() != 0 && in.specRevision() != in.previous().appliedGeneration();
        boolean resumed = before.halted() && in.control().resumedAt() != null && before.haltedSince() != null
                && in.control().resumedAt().isAfter(before.haltedSince());
        if (before.halted() && (specChanged || resumed)) {
            accepted.addAll(failed);
            events.add(event(in, "RolloutResumed", null, null, specChanged ? "the spec changed" : "resumed by the user"));
        }
        Set<String> counting = new HashSet<>(failed);
        counting.removeAll(accepted);
        boolean halted = counting.size() > in.cluster().spec().rollout().maxFailedAgents();
        Instant haltedSince = halted ? (before.halted() && !(specChanged || resumed) ? before.haltedSince() : in.now()) : null;
        if (halted && haltedSince.equals(in.now())) {
            events.add(event(in, "RolloutHalted", null, null, counting.size() + " agents failed ("
                    + counting.stream().sorted().collect(Collectors.joining(", "))
                    + "), more than maxFailedAgents=" + in.cluster().spec().rollout().maxFailedAgents()));
        }
        return new RolloutStatus(0, paused, halted, haltedSince, accepted);
    }

    private void specEvents(PlanInput in, Map<StepName, String> stepHashes, List<ClusterEvent> events) {
        if (in.invalidSpec().isPresent() && in.previous().observedGeneration() != in.observedRevision()) {
            events.add(event(in, "InvalidSpec", null, null, "spec revision " + in.observedRevision()
                    + " is invalid and was not applied: " + String.join("; ", in.invalidSpec().get())));
        }
        if (in.specRevision() == in.previous().appliedGeneration()) {
            return;
        }
        Optional<SpecInForce> older = in.storedSpec().filter(s -> s.revision() != in.specRevision());
        if (older.isEmpty()) {
            events.add(event(in, "SpecApplied", null, null, "spec revision " + in.specRevision() + " in force"));
            return;
        }
        Map<StepName, String> olderHashes = hashes.of(older.get().spec());
        List<String> fields = DocumentDiff.between(codec.toTree(older.get().spec()), codec.toTree(in.cluster().spec())).stream()
                .map(FieldChange::path).map(p -> "spec." + p).toList();
        List<String> steps = stepHashes.keySet().stream()
                .filter(s -> !stepHashes.get(s).equals(olderHashes.get(s))).map(StepName::id).toList();
        events.add(event(in, "SpecChanged", null, null, "spec revision " + in.specRevision() + " changes "
                + (fields.isEmpty() ? "nothing" : String.join(", ", fields)) + "; steps to re-run: "
                + (steps.isEmpty() ? "none" : String.join(", ", steps))));
    }

    static void phaseEvents(PlanInput in, AgentStatus before, AgentStatus now, List<ClusterEvent> events) {
        if (before == null) {
            events.add(event(in, "AgentSelected", now.agentId(), null, now.hostname() + " joins the rollout"));
            return;
        }
        if (before.phase() == now.phase()) {
            return;
        }
        switch (now.phase()) {
            case READY -> events.add(event(in, "AgentReady", now.agentId(), null, "every step converged at spec revision " + now.specRevision()));
            case FAILED -> events.add(event(in, "AgentFailed", now.agentId(), failedStep(now), now.message()));
            case BLOCKED -> events.add(event(in, "AgentBlocked", now.agentId(), null, now.message()));
            case LOST -> events.add(event(in, "AgentLost", now.agentId(), null, now.message()));
            case GONE -> events.add(event(in, "AgentGone", now.agentId(), null, now.message()));
            default -> { }
        }
    }

    private static String failedStep(AgentStatus row) {
        return row.steps().entrySet().stream().filter(e -> e.getValue().phase() == StepPhase.FAILED)
                .map(e -> e.getKey().id()).findFirst().orElse(null);
    }

    static void grantEvents(PlanInput in, RestartBudget.Allocation allocation, List<ClusterEvent> events) {
        allocation.released().forEach((agentId, grant) -> events.add(event(in, "RestartReleased", agentId, grant.step().id(),
                "restart slot released")));
        allocation.drained().forEach((agentId, grant) -> events.add(event(in, "DrainReleased", agentId, grant.step().id(),
                Drains.why(grant, agentId, in.cluster().spec().rollout(), in.workloads(), in.now()))));
        allocation.issued().forEach((agentId, grant) -> events.add(event(in, "RestartGranted", agentId, grant.step().id(),
                "may restart for " + grant.step().id() + " at " + shortHash(grant.desiredHash())
                        + " (spec revision " + in.specRevision() + ")"
                        + RestartImpact.describe(grant.step(), agentId, in.reports().get(agentId), in.workloads(), in.now())
                        + Drains.describe(grant, in.cluster().spec().rollout()))));
    }

    /** The first 12 characters, as git shows a commit; a report's hash is the node agent's word, of any length. */
    private static String shortHash(String hash) {
        return hash.length() <= 12 ? hash : hash.substring(0, 12);
    }

    private static Map<StepName, Map<StepPhase, Integer>> stepSummary(Collection<AgentStatus> rows) {
        Map<StepName, Map<StepPhase, Integer>> summary = new EnumMap<>(StepName.class);
        for (AgentStatus row : rows) {
            row.steps().forEach((step, cell) ->
                    summary.computeIfAbsent(step, s -> new EnumMap<>(StepPhase.class)).merge(cell.phase(), 1, Integer::sum));
        }
        return summary;
    }

    static List<ClusterEvent> bounded(List<ClusterEvent> old, List<ClusterEvent> added) {
        List<ClusterEvent> all = new ArrayList<>(old);
        all.addAll(added);
        return all.size() <= ClusterStatus.MAX_EVENTS ? all : all.subList(all.size() - ClusterStatus.MAX_EVENTS, all.size());
    }

    static ClusterEvent event(PlanInput in, String reason, String agentId, String step, String message) {
        return new ClusterEvent(in.now(), in.specRevision(), reason, agentId, step, Redaction.text(message)); // reports may quote spec URLs
    }

}
