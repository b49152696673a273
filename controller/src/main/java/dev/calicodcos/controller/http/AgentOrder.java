package dev.calicodcos.controller.http;

import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import java.util.Comparator;
import java.util.List;

/**
 * The order agents are listed in, by the API, the page and {@code status}: what needs a person
 * first, then what is moving, ready last; by agent id within a phase, so the order is total and a
 * page boundary is a position, not an index.
 */
public final class AgentOrder {
    /** Every phase, most urgent first. */
    public static final List<AgentPhase> URGENCY = List.of(AgentPhase.FAILED, AgentPhase.BLOCKED, AgentPhase.LOST, AgentPhase.GONE,
            AgentPhase.AWAITING_RESTART, AgentPhase.RESTARTING, AgentPhase.PROGRESSING, AgentPhase.PENDING, AgentPhase.READY);

    public static final Comparator<AgentStatus> AGENTS = Comparator.comparingInt((AgentStatus a) -> rank(a.phase()))
            .thenComparing(AgentStatus::agentId);

    private AgentOrder() {}

    public static int rank(AgentPhase phase) {
        return URGENCY.indexOf(phase);
    }

    /** Where a listing stopped: after the agent with this phase and id. */
    record Position(AgentPhase phase, String agentId) {
        boolean isBefore(AgentStatus agent) {
            int byPhase = Integer.compare(rank(phase), rank(agent.phase()));
            return byPhase < 0 || byPhase == 0 && agentId.compareTo(agent.agentId()) < 0;
        }

        static Position of(AgentStatus agent) {
            return new Position(agent.phase(), agent.agentId());
        }
    }
}
