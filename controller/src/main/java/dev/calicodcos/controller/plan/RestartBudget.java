package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.StepName;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The one safety rule: at most {@code max} agents are disrupted at once. An agent holding a grant
 * takes a slot until its step is settled at the granted hash (a failed agent keeps it: its slot
 * stays taken), released early only when the node agent has moved on to another hash without
 * restarting; an agent that failed without a grant (and whose failure nobody accepted) takes a slot
 * too, as an unavailable DaemonSet pod does. So does an agent whose node agent reports a restart under
 * way without holding a grant for it: the budget counts what the hosts do, not only what was granted.
 */
final class RestartBudget {
    private RestartBudget() {}

    /**
     * Grants after this round: kept ones and new ones, by agent; {@code issued} lists the new ones,
     * {@code drained} the kept ones whose drain ended early this round (as they are now).
     */
    record Allocation(Map<String, RestartGrant> grants, Map<String, RestartGrant> issued, Map<String, RestartGrant> released,
                      Map<String, RestartGrant> drained) {}

    static Allocation allocate(int max, boolean mayGrant, Map<String, AgentPlan> currentPlans, Map<String, AgentReport> reports,
                               Set<String> eligible, long specRevision, Set<String> unhealthy, Predicate<String> mayTakeSlot,
                               Function<Candidate, RestartGrant> grantFor, BiFunction<String, RestartGrant, RestartGrant> keep) {
        Map<String, RestartGrant> grants = new TreeMap<>();
        Map<String, RestartGrant> released = new TreeMap<>();
        Map<String, RestartGrant> drained = new TreeMap<>();
        currentPlans.forEach((agentId, plan) -> plan.restartGrant().ifPresent(grant -> {
            if (stillNeeded(grant, reports.get(agentId))) {
                RestartGrant kept = keep.apply(agentId, grant);
                grants.put(agentId, kept);
                if (!kept.equals(grant)) {
                    drained.put(agentId, kept);
                }
            } else {
                released.put(agentId, grant);
            }
        }));
        Map<String, RestartGrant> issued = new LinkedHashMap<>();
        if (mayGrant) {
            Set<String> takenWithoutGrant = new HashSet<>(unhealthy);
            takenWithoutGrant.addAll(restarting(reports));
            takenWithoutGrant.removeAll(grants.keySet());
            for (Candidate c : candidates(reports, eligible, grants.keySet(), specRevision)) {
                if (grants.size() + takenWithoutGrant.size() >= max) {
                    break;
                }
                if (!mayTakeSlot.test(c.agentId())) {
                    continue;
                }
                RestartGrant grant = grantFor.apply(c);
                grants.put(c.agentId(), grant);
                issued.put(c.agentId(), grant);
            }
        }
        return new Allocation(grants, issued, released, drained);
    }

    static boolean stillNeeded(RestartGrant grant, AgentReport report) {
        StepReport step = report == null ? null : report.steps().get(grant.step());
        if (step == null) {
            return true; // no news (the agent may be restarting right now): keep the slot
        }
        boolean sameHash = step.desiredHash().equals(grant.desiredHash());
        if (sameHash) {
            return !step.phase().settled();
        }
        return step.phase() == StepPhase.RESTARTING;
    }

    /** Agents whose report says a step of theirs is restarting. */
    private static Set<String> restarting(Map<String, AgentReport> reports) {
        return reports.values().stream()
                .filter(r -> r.steps().values().stream().anyMatch(s -> s.phase() == StepPhase.RESTARTING))
                .map(AgentReport::agentId)
                .collect(Collectors.toSet());
    }

    /** @param agent the whole report (its facts say what the restart stops) */
    record Candidate(String agentId, StepName step, StepReport report, AgentReport agent) {
        /** Longest-waiting first. */
        static final Comparator<Candidate> ORDER = Comparator.comparing((Candidate c) -> c.report().since()).thenComparing(Candidate::agentId);
    }

    /** Agents waiting for a grant at the current spec, longest-waiting first. */
    private static List<Candidate> candidates(Map<String, AgentReport> reports, Set<String> eligible, Set<String> holding, long specRevision) {
        return reports.values().stream()
                .filter(r -> eligible.contains(r.agentId()) && !holding.contains(r.agentId()) && r.specRevision() == specRevision)
                .map(RestartBudget::waiting)
                .flatMap(Optional::stream)
                .sorted(Candidate.ORDER)
                .toList();
    }

    /** The first step of {@code report} waiting for a restart slot, if any. */
    static Optional<Candidate> waiting(AgentReport report) {
        for (StepName step : StepName.values()) {
            StepReport s = report.steps().get(step);
            if (s != null && s.phase() == StepPhase.AWAITING_RESTART) {
                return Optional.of(new Candidate(report.agentId(), step, s, report));
            }
        }
        return Optional.empty();
    }
}
