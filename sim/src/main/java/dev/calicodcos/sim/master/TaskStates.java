package dev.calicodcos.sim.master;

import java.util.EnumSet;
import java.util.Set;
import org.apache.mesos.v1.Protos.TaskState;

/** Task state facts from the reference (section 8). */
public final class TaskStates {
    private static final Set<TaskState> TERMINAL = EnumSet.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
            TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED,
            TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR);

    private TaskStates() {}

    public static boolean isTerminal(TaskState state) {
        return TERMINAL.contains(state);
    }

    /** Frameworks without PARTITION_AWARE get TASK_LOST instead of the finer partition states. */
    public static TaskState forFramework(TaskState state, boolean partitionAware) {
        if (partitionAware) {
            return state;
        }
        return switch (state) {
            case TASK_DROPPED, TASK_UNREACHABLE, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNKNOWN -> TaskState.TASK_LOST;
            default -> state;
        };
    }
}
