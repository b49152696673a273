package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.SpecInForce;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner reads. The maps are the caller's read-only views, not copies (at 10,000
 * agents a copy per pass costs more than planning the agents that changed); they must not change
 * while a plan is computed.
 *
 * @param cluster          the last valid spec (the one in force)
 * @param specRevision     its etcd mod revision
 * @param observedRevision the newest spec revision seen, valid or not
 * @param invalidSpec      the problems of the newest spec when it is invalid
 * @param previous         the status document written last time (conditions, halts, events)
 * @param previousRows     the agents' status rows written last time (transitions, lost and gone agents)
 * @param storedSpec       the spec in force as stored (the one the plans reference until this round)
 * @param goneGracePeriod  how long an agent the master no longer lists keeps its plan and slot
 * @param selfHost         the host name of the agent the leading controller runs on, when known (rolled last)
 * @param workloads        the other frameworks' tasks on each agent, looked up beforehand: named in restart grants' events
 * @param notes            events of the leader's side effects since the last round (the maintenance schedule), added to this round's
 */
public record PlanInput(
        CalicoCluster cluster,
        long specRevision,
        long observedRevision,
        Optional<List<String>> invalidSpec,
        List<AgentView> agents,
        Map<String, AgentReport> reports,
        Map<String, AgentPlan> plans,
        ControlState control,
        ClusterStatus previous,
        Map<String, AgentStatus> previousRows,
        Optional<SpecInForce> storedSpec,
        Instant now,
        Duration goneGracePeriod,
        Optional<String> selfHost,
        Workloads workloads,
        List<ClusterEvent> notes) {

    public PlanInput {
        notes = List.copyOf(notes);
    }

    /** Without notes. */
    public PlanInput(CalicoCluster cluster, long specRevision, long observedRevision, Optional<List<String>> invalidSpec, List<AgentView> agents,
                     Map<String, AgentReport> reports, Map<String, AgentPlan> plans, ControlState control, ClusterStatus previous,
                     Map<String, AgentStatus> previousRows, Optional<SpecInForce> storedSpec, Instant now, Duration goneGracePeriod,
                     Optional<String> selfHost, Workloads workloads) {
        this(cluster, specRevision, observedRevision, invalidSpec, agents, reports, plans, control, previous, previousRows, storedSpec, now,
                goneGracePeriod, selfHost, workloads, List.of());
    }

    /** The same input with another previous status document. */
    public PlanInput withPrevious(ClusterStatus document) {
        return new PlanInput(cluster, specRevision, observedRevision, invalidSpec, agents, reports, plans, control, document, previousRows,
                storedSpec, now, goneGracePeriod, selfHost, workloads, notes);
    }
}
