package dev.calicodcos.controller.plan;

import java.util.Map;
import java.util.Set;

/**
 * An agent as the planner needs it, mapped from the Mesos master's list.
 *
 * @param roles  {@code *} when it has unreserved resources, plus every role holding reservations
 *               ({@code slave_public} on public agents)
 * @param active connected and schedulable; an inactive agent keeps its plan
 */
public record AgentView(String agentId, String hostname, Set<String> roles, Map<String, String> attributes, boolean active) {
    public AgentView {
        roles = Set.copyOf(roles);
        attributes = Map.copyOf(attributes);
    }
}
