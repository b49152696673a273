package dev.calicodcos.controller.mesos;

/** Mesos {@code TaskState}; {@link #UNRECOGNIZED} stands for a name this client does not know. */
public enum TaskState {
    TASK_STAGING(false),
    TASK_STARTING(false),
    TASK_RUNNING(false),
    TASK_KILLING(false),
    TASK_FINISHED(true),
    TASK_FAILED(true),
    TASK_KILLED(true),
    TASK_ERROR(true),
    TASK_LOST(true),
    TASK_DROPPED(true),
    TASK_UNREACHABLE(false),
    TASK_GONE(true),
    TASK_GONE_BY_OPERATOR(true),
    TASK_UNKNOWN(false),
    UNRECOGNIZED(false);

    private final boolean terminal;

    TaskState(boolean terminal) {
        this.terminal = terminal;
    }

    /** Terminal as Mesos accounts resources; TASK_LOST may still come back with its agent. */
    public boolean terminal() {
        return terminal;
    }

    static TaskState parse(String name) {
        for (TaskState state : values()) {
            if (state.name().equals(name)) {
                return state;
            }
        }
        return UNRECOGNIZED;
    }
}
