package dev.calicodcos.reconcilers.cni;

import dev.calicodcos.model.agent.AgentFacts;
import java.util.Optional;

/** Asks this host's Mesos agent, over its HTTP API, whether it is registered with a master. */
public interface MesosAgentProbe {
    /**
     * Empty when the agent says it is registered with a master; otherwise what it said, or why it
     * could not be asked (no address, nothing listening, an HTTP error). Never throws.
     */
    Optional<String> notRegistered(AgentFacts facts);
}
