package dev.calicodcos.controller.fleet;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Keeps a node agent running on every agent with a plan; only the leader's fleet acts. */
public interface NodeAgentFleet extends AutoCloseable {
    void lead();

    void standDown();

    /** @param agentIds the agents that must run a node agent now (those with a plan) */
    void setDesired(Set<String> agentIds);

    /**
     * Why this fleet, leading, cannot keep node agents running now: its subscription to the Mesos
     * master has been down longer than a short grace (a resubscription takes seconds).
     */
    default Optional<String> problem(Instant now) {
        return Optional.empty();
    }

    @Override
    void close();

    /** For node agents run some other way (systemd units, tests). */
    NodeAgentFleet NONE = new NodeAgentFleet() {
        @Override
        public void lead() {}

        @Override
        public void standDown() {}

        @Override
        public void setDesired(Set<String> agentIds) {}

        @Override
        public void close() {}
    };
}
