package dev.calicodcos.controller.agents;

import dev.calicodcos.controller.plan.AgentView;
import java.util.List;

/** The agents the cluster has right now. */
@FunctionalInterface
public interface AgentSource {
    /** @throws RuntimeException when the list cannot be had; the loop retries with backoff */
    List<AgentView> agents();
}
