package dev.calicodcos.sim;

/**
 * Fault injection. Agents are named by hostname or agent ID; tasks by task ID. Methods returning
 * {@code boolean} answer whether the target existed.
 */
public interface ClusterFaults {
    /** A new agent registers (gets a fresh agent ID). */
    dev.calicodcos.sim.agent.SimAgent addAgent(AgentSpec spec);

    /** The agent unregisters for good: it vanishes from the master, its tasks are gone (processes killed). */
    boolean removeAgent(String agent);

    /** The agent loses its master connection (listed with {@code active: false}, offers rescinded); tasks keep running. */
    boolean disconnectAgent(String agent);

    /** The agent re-registers with the same ID and resends unacknowledged updates. */
    boolean reconnectAgent(String agent);

    /**
     * The master marks the agent unreachable (as after its ping timeout): it vanishes from the agent
     * lists, its tasks become TASK_UNREACHABLE / TASK_LOST, frameworks get FAILURE; processes keep running.
     */
    boolean partitionAgent(String agent);

    /** The partition heals: same agent ID, tasks reported again with REASON_AGENT_REREGISTERED. */
    boolean healAgent(String agent);

    /** Same as {@code systemctl restart dcos-mesos-slave[-public]} on that agent; returns once it is back. */
    boolean restartAgent(String agent);

    /**
     * While {@code failing}, every (re)start of the agent process (a {@code systemctl restart}/{@code start} of its
     * unit) brings it back active but never registered with the master: {@code slave/registered} 0 on its
     * {@code /metrics/snapshot}, {@code active: false} on the master. Clearing it takes effect at the next (re)start.
     */
    boolean agentFailsToRegister(String agent, boolean failing);

    /** A new leader takes over: every scheduler stream ends, offers vanish, frameworks must resubscribe. */
    void failoverMaster();

    /** Every master answers 503 {@code No leader elected} until {@link #restoreLeader()}. */
    void noLeader();

    void restoreLeader();

    /** The leader answers the v1 APIs with 503 {@code Master has not finished recovery} while {@code recovering}. */
    void masterRecovering(boolean recovering);

    /** The task's process dies with SIGKILL (the task fails: no KILL was asked for). */
    boolean failTask(String taskId);

    /** The task's process gets SIGTERM from outside (the task fails unless it exits 0). */
    boolean terminateTask(String taskId);

    /** The next status update of the task is lost between agent and master (the agent resends it). */
    void dropNextStatusUpdate(String taskId);

    /** The next status update of the task reaches the scheduler twice. */
    void duplicateNextStatusUpdate(String taskId);

    /** Scheduler streams stay open but deliver nothing, not even heartbeats, until un-stalled. */
    void stallEventStreams(boolean stall);

    /**
     * From now on dockerd on the agent refuses to start (the {@code docker} unit ends {@code failed}, as for an
     * invalid daemon.json) and to reload while {@code /etc/docker/daemon.json} has the top-level {@code configKey};
     * {@code message} is the failure ({@code DockerEngineFake.lastFailure()}, the daemon log). Running dockerd is
     * not touched until it restarts or reloads.
     */
    boolean dockerRefusesConfig(String agent, String configKey, String message);

    /** Lifts every {@link #dockerRefusesConfig} refusal of the agent (a failed unit stays failed until started again). */
    boolean clearDockerRefusal(String agent);

    /**
     * The registry is unreachable from the agent while {@code failing}: every pull answers 500
     * {@code Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host}.
     */
    boolean failImagePulls(String agent, boolean failing);

    /** Which containerizer runs a workload: Docker Engine or the Mesos containerizer (UCR). */
    enum Containerizer { DOCKER, MESOS }

    /**
     * A task of another framework named {@code framework} (a checkpointing one, created on first use) runs on the
     * agent under {@code containerizer}: the master lists it as {@code TASK_RUNNING} with that {@code container.type}.
     * Master bookkeeping only: no process runs, and restarts of Docker or the agent do not end it.
     *
     * @return the task ID
     * @throws IllegalArgumentException when there is no such agent
     */
    default String runWorkload(String agent, String framework, String taskName, Containerizer containerizer) {
        return runWorkload(agent, framework, taskName, containerizer, false);
    }

    /**
     * As {@link #runWorkload(String, String, String, Containerizer)}; with {@code honoursMaintenance} its framework reacts
     * to maintenance: the task ends ({@code TASK_KILLED}) once the agent's machine is in a maintenance window that has
     * started (the schedule of {@code /master/maintenance/schedule}); other workloads stay.
     */
    String runWorkload(String agent, String framework, String taskName, Containerizer containerizer, boolean honoursMaintenance);

    /** The workload ends ({@code TASK_KILLED}) and leaves the master's lists. */
    boolean stopWorkload(String taskId);
}
