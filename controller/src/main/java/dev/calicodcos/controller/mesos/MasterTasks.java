package dev.calicodcos.controller.mesos;

import java.util.List;

/** The tasks the Mesos master knows, for the controller's workload lookups. */
public interface MasterTasks {
    /**
     * The live tasks of the active frameworks (completed tasks and frameworks left out).
     *
     * @throws MesosException when the master cannot be reached, answers nonsense or answers more than the limit
     */
    List<MasterTask> tasks();
}
