package dev.calicodcos.controller.fleet;

import dev.calicodcos.model.spec.Resources;
import java.util.Optional;
import java.util.Set;

/** Keeps a node agent running on every agent with a plan; only the leader's fleet acts. */
public interface NodeAgentFleet extends AutoCloseable {
    void lead();

    void standDown();

    /**
     * @param agentIds the agents that must run a node agent now (those with a plan)
     * @param extra    what runs inside each node-agent task besides the node agent (the etcd proxy), added to its resources
     */
    void setDesired(Set<String> agentIds, Optional<Resources> extra);

    @Override
    void close();

    /** For node agents run some other way (systemd units, tests). */
    NodeAgentFleet NONE = new NodeAgentFleet() {
        @Override
        public void lead() {}

        @Override
        public void standDown() {}

        @Override
        public void setDesired(Set<String> agentIds, Optional<Resources> extra) {}

        @Override
        public void close() {}
    };
}
