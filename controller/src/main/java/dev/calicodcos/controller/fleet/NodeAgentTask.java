package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.mesos.TaskState;
import java.util.Optional;

/** A node-agent task the framework launched (or learnt of through reconciliation). */
public record NodeAgentTask(String taskId, String agentId, String version, TaskState state) {
    static final String PREFIX = "calico-node-agent_";

    /** {@code calico-node-agent_<version>_<sequence>_<agentId>}; '_' never occurs in our versions. */
    public static String taskId(String agentId, String version, long sequence) {
        return PREFIX + version.replace('_', '-') + "_" + sequence + "_" + agentId;
    }

    /** Parses our task ids back (after a controller failover we know tasks only by id). */
    public static Optional<NodeAgentTask> fromTaskId(String taskId, String agentId, TaskState state) {
        if (!taskId.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = taskId.substring(PREFIX.length()).split("_", 3);
        if (parts.length < 3) {
            return Optional.empty();
        }
        return Optional.of(new NodeAgentTask(taskId, agentId, parts[0], state));
    }

    public boolean live() {
        return !state.terminal();
    }
}
