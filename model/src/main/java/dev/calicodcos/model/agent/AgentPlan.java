package dev.calicodcos.model.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.calicodcos.model.spec.StepName;
import java.util.Map;
import java.util.Optional;

/**
 * What the leader wants one agent to converge on, at {@code clusters/<name>/agents/<agentId>/plan}.
 * The plan names the spec by revision and does not copy it: the node agent reads that spec once
 * from {@code clusters/<name>/spec-in-force} ({@link SpecInForce}), so a spec edit rewrites a few
 * hundred bytes per agent, not the whole spec. The node agent renders each step from the spec and
 * its own facts; the leader only decides whether it may start steps, whether it may restart a
 * service, and whether Calico stays. Unknown fields are ignored: plans written by an earlier
 * version (which carried the spec) still read.
 *
 * @param specRevision  the spec's etcd mod revision this plan was made from (the generation)
 * @param stepHashes    the spec-level hash of each step's inputs, for the report and the event history
 * @param restartGrant  permission to restart a service for exactly one step at one desired hash
 * @param paused        no new step may start; a restart already under way finishes
 * @param uninstall     remove every step, in reverse order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentPlan(
        String agentId,
        long specRevision,
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
        return new AgentPlan(agentId, specRevision, stepHashes, grant, paused, uninstall);
    }
}
