package dev.calicodcos.controller.plan;

import dev.calicodcos.model.spec.Canary;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.RolloutStatus;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

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

    /** The first {@code canary} agents of {@code selected} in agent-ID order, the controller's own agent left out. */
    static Set<String> canaries(Canary canary, SortedSet<String> selected, Optional<String> self) {
        int wave = canary.of(selected.size() - (self.filter(selected::contains).isPresent() ? 1 : 0));
        Set<String> out = new LinkedHashSet<>();
        for (String agentId : selected) {
            if (out.size() == wave) {
                break;
            }
            if (self.filter(agentId::equals).isEmpty()) {
                out.add(agentId);
            }
        }
        return out;
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
