package dev.calicodcos.controller.plan;

import java.util.Map;
import java.util.Set;

/**
 * An agent as the planner needs it, mapped from the Mesos master's list.
 *
 * @param roles  {@code *} when it has unreserved resources, plus every role holding reservations
 *               ({@code slave_public} on public agents)
 * @param active connected and schedulable; an inactive agent keeps its plan
 * @param ip     the address the agent registered with (with the hostname, its Mesos machine id)
 */
public record AgentView(String agentId, String hostname, Set<String> roles, Map<String, String> attributes, boolean active, String ip) {
    public AgentView {
        roles = Set.copyOf(roles);
        attributes = Map.copyOf(attributes);
        ip = ip == null ? hostname : ip;
    }

    /** An agent whose address is its hostname (as on DC/OS, where agents register by IP). */
    public AgentView(String agentId, String hostname, Set<String> roles, Map<String, String> attributes, boolean active) {
        this(agentId, hostname, roles, attributes, active, hostname);
    }
}
