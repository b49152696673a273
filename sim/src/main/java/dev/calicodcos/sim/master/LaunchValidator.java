package dev.calicodcos.sim.master;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;

/** The task checks of the master's ACCEPT validation that matter for command tasks. Pure. */
final class LaunchValidator {
    private LaunchValidator() {}

    /** Returns the TASK_ERROR message, or empty when the task may launch from {@code offered}. */
    static Optional<String> validate(TaskInfo task, String offerAgentId, String offerRole, boolean multiRole,
                                     ResourcePool offered, Predicate<String> isLiveTaskId) {
        String id = task.getTaskId().getValue();
        Optional<String> idProblem = validateTaskId(id);
        if (idProblem.isPresent()) {
            return idProblem;
        }
        if (isLiveTaskId.test(id)) {
            return Optional.of("Task has duplicate ID: " + id);
        }
        if (!task.getAgentId().getValue().equals(offerAgentId)) {
            return Optional.of("Task uses agent " + task.getAgentId().getValue() + " but the offers are for agent " + offerAgentId);
        }
        if (task.hasCommand() == task.hasExecutor()) {
            return Optional.of("Task should have at least one (but not both) of CommandInfo or ExecutorInfo present");
        }
        if (task.hasExecutor()) {
            return Optional.of("Custom executors are not supported by the simulator (use CommandInfo)");
        }
        if (task.getResourcesCount() == 0) {
            return Optional.of("Task uses no resources");
        }
        for (Resource r : task.getResourcesList()) {
            if (r.hasAllocationInfo() && !multiRole) {
                return Optional.of("Resource " + r.getName() + " has allocation_info but the framework is not MULTI_ROLE capable");
            }
            if (r.hasAllocationInfo() && !r.getAllocationInfo().getRole().equals(offerRole)) {
                return Optional.of("Resource " + r.getName() + " is allocated to role '" + r.getAllocationInfo().getRole()
                        + "' but the offer is for role '" + offerRole + "'");
            }
        }
        ResourcePool wanted;
        try {
            wanted = ResourcePool.of(task.getResourcesList());
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (!offered.contains(wanted)) {
            return Optional.of("Total resources " + wanted + " required by task and its executor is more than available "
                    + offered + " (role and reservation of each resource must match the offer)");
        }
        return Optional.empty();
    }

    static Optional<String> validateTaskId(String id) {
        if (id.isEmpty()) {
            return Optional.of("ID must not be empty");
        }
        if (id.equals(".") || id.equals("..")) {
            return Optional.of("'" + id + "' is disallowed");
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > 255) {
            return Optional.of("ID must not be greater than 255 characters");
        }
        for (char c : id.toCharArray()) {
            if (c == '/' || c == '\\' || Character.isISOControl(c)) {
                return Optional.of("'" + id + "' contains invalid characters");
            }
        }
        return Optional.empty();
    }
}
