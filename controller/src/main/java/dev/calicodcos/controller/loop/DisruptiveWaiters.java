package dev.calicodcos.controller.loop;

import dev.calicodcos.controller.plan.RestartImpact;
import dev.calicodcos.model.agent.AgentReport;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The agents whose report waits for a restart slot for Docker or the Mesos agent: while there are
 * any, the workloads are worth looking up. Kept from the agents that changed, O(changed) a pass;
 * everyone is looked at after a resync or when a pass lost the changes it was given.
 */
final class DisruptiveWaiters {
    private final Set<String> waiting = new HashSet<>();
    private boolean stale = true;

    /** The changes of a pass were lost: look at every report next time. */
    void forget() {
        stale = true;
    }

    void update(boolean resynced, Set<String> changed, Map<String, AgentReport> reports) {
        if (resynced || stale) {
            waiting.clear();
            reports.forEach((agentId, report) -> note(agentId, report));
            stale = false;
            return;
        }
        changed.forEach(agentId -> note(agentId, reports.get(agentId)));
    }

    boolean any() {
        return !waiting.isEmpty();
    }

    private void note(String agentId, AgentReport report) {
        if (RestartImpact.awaitsDisruptiveRestart(report)) {
            waiting.add(agentId);
        } else {
            waiting.remove(agentId);
        }
    }
}
