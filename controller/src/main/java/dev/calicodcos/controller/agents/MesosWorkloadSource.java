package dev.calicodcos.controller.agents;

import dev.calicodcos.controller.mesos.MasterTask;
import dev.calicodcos.controller.mesos.MasterTasks;
import dev.calicodcos.controller.mesos.TaskState;
import dev.calicodcos.controller.plan.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workloads from the Mesos master's {@code /master/frameworks}: every task that runs (starting, running or
 * being killed) of a framework other than calico-dcos's own, whose node agents are not workloads. A task
 * without a {@code container} runs in the Mesos containerizer, as Mesos does.
 */
public final class MesosWorkloadSource implements WorkloadSource {
    private static final Set<TaskState> RUNNING = Set.of(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLING);

    private final MasterTasks master;
    private final String ownFramework;

    /** @param ownFramework the name the controller's framework registers with (its node agents' tasks are left out) */
    public MesosWorkloadSource(MasterTasks master, String ownFramework) {
        this.master = master;
        this.ownFramework = ownFramework;
    }

    @Override
    public Map<String, List<Workload>> running() {
        Map<String, List<Workload>> byAgent = new HashMap<>();
        for (MasterTask task : master.tasks()) {
            if (RUNNING.contains(task.state()) && !task.frameworkName().equals(ownFramework)) {
                byAgent.computeIfAbsent(task.agentId(), id -> new ArrayList<>()).add(workload(task));
            }
        }
        return byAgent;
    }

    static Workload workload(MasterTask task) {
        Workload.Containerizer containerizer = task.containerType().filter("DOCKER"::equals).isPresent()
                ? Workload.Containerizer.DOCKER : Workload.Containerizer.MESOS;
        return new Workload(task.frameworkName(), task.frameworkCheckpoints(), task.name(), containerizer);
    }
}
