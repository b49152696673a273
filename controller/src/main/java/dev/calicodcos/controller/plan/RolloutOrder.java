package dev.calicodcos.controller.plan;

import dev.calicodcos.model.spec.Canary;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.RolloutStatus;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who goes when, besides the budget: the canary wave first (the other agents start nothing of the
 * spec until every canary agent is Ready at it), and the agent the leading controller runs on last
 * (its own restart would cut the rollout's driver off while others still need it). Pure.
 *
 * @param canaries     the canary wave of the spec in force, in agent-ID order
 * @param held         the wave has not passed: agents outside it are held (their plans paused)
 * @param self         the agent the leading controller runs on, when the master lists it
 * @param othersBehind a selected agent other than {@code self} is still on its way to Ready
 */
record RolloutOrder(Set<String> canaries, boolean held, Optional<String> self, boolean othersBehind) {
    /** Phases of an agent still on its way: a Ready, failed, blocked, lost or gone agent is not waited for. */
    static final Set<AgentPhase> ON_ITS_WAY = EnumSet.of(AgentPhase.PENDING, AgentPhase.PROGRESSING, AgentPhase.AWAITING_RESTART,
            AgentPhase.RESTARTING);

    RolloutOrder {
        canaries = Set.copyOf(canaries);
    }

    /** Whether the agent may start the spec in force at all (false: its plan is paused for the canary wave). */
    boolean mayStart(String agentId) {
        return !held || canaries.contains(agentId);
    }

    /** Whether the agent may take a disruption slot now. */
    boolean mayTakeSlot(String agentId) {
        return mayStart(agentId) && !(othersBehind && self.filter(agentId::equals).isPresent());
    }

    /**
     * The canary wave among {@code selected} (in agent-ID order), the controller's own agent left out:
     * the first {@code canary} agents of a count or percentage, or every agent a selector matches.
     */
    static Set<String> canaries(Canary canary, List<AgentView> selected, Optional<String> self) {
        List<AgentView> eligible = selected.stream().filter(a -> self.filter(a.agentId()::equals).isEmpty()).toList();
        Set<String> out = new LinkedHashSet<>();
        if (canary.selector().isPresent()) {
            Canary.Selector selector = canary.selector().get();
            eligible.stream().filter(a -> selector.matches(a.hostname(), a.attributes())).forEach(a -> out.add(a.agentId()));
        } else {
            eligible.stream().limit(canary.of(eligible.size())).forEach(a -> out.add(a.agentId()));
        }
        return out;
    }

    /**
     * A selector that matches none of the selected agents: the rollout pauses rather than go ahead
     * without a wave (a mistyped rack must not roll the change to every agent at once).
     */
    static boolean unmatched(Canary canary, Set<String> canaries, int selected) {
        return canary.selector().isPresent() && canaries.isEmpty() && selected > 0;
    }

    /** The listed agent whose host name is the one the leading controller runs on. */
    static Optional<String> self(Optional<String> selfHost, Collection<AgentView> listed) {
        return selfHost.flatMap(host -> listed.stream().filter(a -> a.hostname().equals(host)).map(AgentView::agentId).findFirst());
    }

    /**
     * Whether the wave still holds the others at {@code specRevision}: it passes once every canary
     * agent is Ready at it (or its failure was accepted), and stays passed for that revision.
     */
    static boolean held(Set<String> canaries, long specRevision, RolloutStatus before, Map<String, AgentStatus> rows,
                        Set<String> accepted) {
        if (canaries.isEmpty() || before.canaryPassedRevision() == specRevision) {
            return false;
        }
        return !canaries.stream().allMatch(id -> accepted.contains(id)
                || rows.get(id) != null && rows.get(id).phase() == AgentPhase.READY);
    }
}
