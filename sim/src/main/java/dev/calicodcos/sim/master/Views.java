package dev.calicodcos.sim.master;

import dev.calicodcos.sim.AgentSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos;

/** Immutable snapshots of master state for the read-only endpoints. */
public final class Views {
    private Views() {}

    public record AgentView(String id, AgentSpec spec, ResourcePool total, ResourcePool used, ResourcePool offered,
                            List<Protos.Resource> usedFull, List<Protos.Resource> offeredFull,
                            boolean active, Instant registeredTime, Optional<Instant> reregisteredTime) {}

    public record TaskView(Protos.TaskInfo info, String frameworkId, Protos.TaskState state,
                           Optional<Protos.TaskStatus> latest) {}

    public record FrameworkView(String id, Protos.FrameworkInfo info, boolean active, List<String> roles,
                                List<TaskView> tasks) {}

    public record MasterView(String masterId, List<AgentView> agents, List<FrameworkView> frameworks, int unreachableAgents) {}
}
