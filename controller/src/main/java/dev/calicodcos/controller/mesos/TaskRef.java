package dev.calicodcos.controller.mesos;

import java.util.Objects;
import java.util.Optional;

/** A task the framework believes exists, for explicit reconciliation. */
public record TaskRef(String taskId, Optional<String> agentId) {
    public TaskRef {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(agentId, "agentId");
    }

    public static TaskRef of(String taskId, String agentId) {
        return new TaskRef(taskId, Optional.of(agentId));
    }
}
