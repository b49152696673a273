package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.codec.Durations;
import dev.calicodcos.model.spec.Rollout;
import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.List;

/**
 * {@code rollout.drain} in the planner. A grant for a restart that stops tasks (Docker without
 * live-restore, the Mesos agent) is issued with {@code notBefore = grantedAt + drain.timeout}: the
 * node agent holds the slot and waits while the agent's machine is in the Mesos maintenance schedule
 * and the other frameworks move their tasks. Once a listing of the workloads taken after the grant
 * shows none the restart would stop, the grant is rewritten with {@code notBefore = now}. The etcd
 * proxy and the Calico containers stop no task and never drain. Pure.
 */
final class Drains {
    private Drains() {}

    /** The grant for {@code candidate} issued at {@code now}. */
    static RestartGrant issue(Rollout rollout, RestartBudget.Candidate candidate, Instant now) {
        RestartGrant grant = new RestartGrant(candidate.step(), candidate.report().desiredHash(), now);
        return rollout.drain().enabled() && stopsTasks(candidate.step(), candidate.agent())
                ? grant.withNotBefore(now.plus(rollout.drain().timeout())) : grant;
    }

    /**
     * Whether the restart for {@code step} stops tasks: a Mesos agent restart always (checkpointed ones
     * are recovered, but stopped meanwhile), a Docker restart unless dockerd reports live-restore on.
     */
    static boolean stopsTasks(StepName step, AgentReport report) {
        return switch (step) {
            case CNI -> true;
            case DOCKER_CLUSTER_STORE -> !(report != null && report.facts().dockerLiveRestore().orElse(false));
            case ETCD_PROXY, LIBNETWORK, NODE -> false;
        };
    }

    /**
     * A grant kept from the last round, while it still waits: released ({@code notBefore = now}) once a
     * listing taken after it was granted shows no running task the restart would stop, or once
     * {@code rollout.drain} is off; brought forward when {@code drain.timeout} was shortened. Otherwise as is.
     */
    static RestartGrant kept(RestartGrant grant, String agentId, Rollout rollout, Workloads workloads, Instant now) {
        if (!grant.waitsAt(now)) {
            return grant;
        }
        Instant latest = grant.grantedAt().plus(rollout.drain().timeout());
        if (!rollout.drain().enabled() || !latest.isAfter(now) || noneLeft(grant, agentId, workloads)) {
            return grant.withNotBefore(now);
        }
        return latest.isBefore(grant.notBefore().orElseThrow()) ? grant.withNotBefore(latest) : grant;
    }

    /** Why {@link #kept} changed {@code grant} (as it is now), for its {@code DrainReleased} event. */
    static String why(RestartGrant grant, String agentId, Rollout rollout, Workloads workloads, Instant now) {
        if (!rollout.drain().enabled()) {
            return "rollout.drain is off now: it may restart now";
        }
        if (grant.waitsAt(now)) {
            return "rollout.drain.timeout is " + Durations.format(rollout.drain().timeout()) + " now: it waits until "
                    + grant.notBefore().orElseThrow();
        }
        return noneLeft(grant, agentId, workloads)
                ? "no task the restart stops runs on the agent any more (the Mesos master's listing at " + workloads.listedAt()
                        + "): it may restart now"
                : "rollout.drain.timeout is " + Durations.format(rollout.drain().timeout()) + " now, over since the grant: it may restart now";
    }

    private static boolean noneLeft(RestartGrant grant, String agentId, Workloads workloads) {
        return workloads.listedAt().isAfter(grant.grantedAt())
                && workloads.on(agentId).filter(tasks -> noneStopped(grant.step(), tasks)).isPresent();
    }

    private static boolean noneStopped(StepName step, List<Workload> tasks) {
        return step == StepName.DOCKER_CLUSTER_STORE
                ? tasks.stream().noneMatch(t -> t.containerizer() == Workload.Containerizer.DOCKER)
                : tasks.isEmpty();
    }

    /** The drain part of a grant's event, starting with {@code "; "}, or nothing. */
    static String describe(RestartGrant grant, Rollout rollout) {
        return grant.notBefore().map(at -> "; drains until " + at + " (rollout.drain.timeout "
                + Durations.format(rollout.drain().timeout()) + "): the machine is put in the"
                + " Mesos maintenance schedule").orElse("");
    }
}
