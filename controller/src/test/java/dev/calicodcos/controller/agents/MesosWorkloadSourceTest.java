package dev.calicodcos.controller.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.mesos.MasterTask;
import dev.calicodcos.controller.mesos.TaskState;
import dev.calicodcos.controller.plan.Workload;
import dev.calicodcos.controller.plan.Workload.Containerizer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MesosWorkloadSourceTest {
    private static MasterTask task(String name, String framework, boolean checkpoint, String agent, TaskState state, String container) {
        return new MasterTask(name + ".1", name, "fw-" + framework, framework, checkpoint, agent, state, Optional.ofNullable(container));
    }

    @Test
    void workloadsAreTheRunningTasksOfOtherFrameworksByAgent() {
        MesosWorkloadSource source = new MesosWorkloadSource(() -> List.of(
                task("web", "marathon", true, "S1", TaskState.TASK_RUNNING, "DOCKER"),
                task("api", "marathon", true, "S1", TaskState.TASK_STARTING, "MESOS"),
                task("job", "spark", false, "S1", TaskState.TASK_KILLING, null),
                task("db", "marathon", true, "S2", TaskState.TASK_RUNNING, "DOCKER"),
                task("new", "marathon", true, "S2", TaskState.TASK_STAGING, "DOCKER"),
                task("gone", "marathon", true, "S2", TaskState.TASK_UNREACHABLE, "DOCKER"),
                task("calico-node-agent", "calico-dcos", true, "S1", TaskState.TASK_RUNNING, null)), "calico-dcos");

        assertThat(source.running()).containsOnlyKeys("S1", "S2");
        assertThat(source.running().get("S1")).containsExactly(
                new Workload("marathon", true, "web", Containerizer.DOCKER),
                new Workload("marathon", true, "api", Containerizer.MESOS),
                new Workload("spark", false, "job", Containerizer.MESOS));
        assertThat(source.running().get("S2")).containsExactly(new Workload("marathon", true, "db", Containerizer.DOCKER));
    }
}
