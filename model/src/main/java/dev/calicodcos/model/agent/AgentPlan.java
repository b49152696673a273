package dev.calicodcos.model.agent;

import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.StepName;
import java.util.Map;
import java.util.Optional;

/**
 * What the leader wants one agent to converge on, at {@code clusters/<name>/agents/<agentId>/plan}.
 * The node agent renders each step from {@code spec} and its own facts; the leader only decides
 * whether it may start steps, whether it may restart a service, and whether Calico stays.
 *
 * @param specRevision  the spec's etcd mod revision this plan was made from (the generation)
 * @param stepHashes    the spec-level hash of each step's inputs, for the report and the event history
 * @param restartGrant  permission to restart a service for exactly one step at one desired hash
 * @param paused        no new step may start; a restart already under way finishes
 * @param uninstall     remove every step, in reverse order
 */
public record AgentPlan(
        String agentId,
        long specRevision,
        CalicoClusterSpec spec,
        Map<StepName, String> stepHashes,
        Optional<RestartGrant> restartGrant,
        boolean paused,
        boolean uninstall) {

    public AgentPlan {
        stepHashes = Map.copyOf(stepHashes);
    }

    public boolean grants(StepName step, String desiredHash) {
        return restartGrant.map(g -> g.step() == step && g.desiredHash().equals(desiredHash)).orElse(false);
    }

    public AgentPlan withRestartGrant(Optional<RestartGrant> grant) {
        return new AgentPlan(agentId, specRevision, spec, stepHashes, grant, paused, uninstall);
    }
}
