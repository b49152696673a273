package dev.calicodcos.controller.agents;

import dev.calicodcos.controller.plan.Workload;
import java.util.List;
import java.util.Map;

/** The workloads (running tasks of other frameworks) on every agent, as the cluster has them now. */
@FunctionalInterface
public interface WorkloadSource {
    /** No lookup: every grant's event says the workloads are unknown and why. */
    WorkloadSource NONE = () -> {
        throw new IllegalStateException("no workload lookup is configured");
    };

    /**
     * By agent id; an agent without workloads may be absent.
     *
     * @throws RuntimeException when they cannot be had; its message says why, in the event
     */
    Map<String, List<Workload>> running();
}
