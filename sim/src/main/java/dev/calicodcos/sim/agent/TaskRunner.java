package dev.calicodcos.sim.agent;

import com.google.protobuf.ByteString;
import dev.calicodcos.sim.process.ContainedProcess;
import dev.calicodcos.sim.process.Containment;
import dev.calicodcos.sim.process.Launch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command task the way the Mesos command executor does: fetch URIs into the sandbox,
 * TASK_STARTING, start the process in its own container (PID namespace) with exactly DC/OS's executor
 * environment, TASK_RUNNING, then FINISHED / FAILED by exit code, or KILLED after SIGTERM and, when the
 * grace period runs out, SIGKILL. Whatever the task started ends with it.
 */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);
    /** How long the container's init may take to fork the command before RUNNING is sent anyway. */
    private static final Duration COMMAND_START = Duration.ofSeconds(10);

    /**
     * What a task needs from its agent. {@code host} starts the agent's host side if need be: it is called on the
     * task's own thread, never while the master (which launches under its lock) waits.
     */
    record AgentContext(Protos.AgentID agentId, String hostname, Supplier<TaskHost> host, Containment containment,
                        StatusUpdateManager updates, ScheduledExecutorService scheduler, Clock clock) {}

    /** What a task needs from its agent's host side. */
    record TaskHost(Map<String, String> executorEnvironment, Map<String, String> forcedEnvironment, UriFetcher fetcher) {}

    private final AgentContext agent;
    private final FrameworkID frameworkId;
    private final FrameworkInfo framework;
    private final TaskInfo task;
    private final Path sandbox;
    private final String containerId = UUID.randomUUID().toString();
    private ContainedProcess process;
    private boolean killRequested;
    private boolean finished;

    TaskRunner(AgentContext agent, FrameworkID frameworkId, FrameworkInfo framework, TaskInfo task, Path workDir) {
        this.agent = agent;
        this.frameworkId = frameworkId;
        this.framework = framework;
        this.task = task;
        this.sandbox = workDir.resolve("slaves").resolve(agent.agentId().getValue()).resolve("frameworks")
                .resolve(frameworkId.getValue()).resolve("executors").resolve(task.getTaskId().getValue())
                .resolve("runs").resolve(containerId);
    }

    FrameworkID frameworkId() {
        return frameworkId;
    }

    Path sandbox() {
        return sandbox;
    }

    /** Blocks the calling (pool) thread for the task's whole life. */
    void run() {
        TaskHost host;
        try {
            host = agent.host().get();
        } catch (RuntimeException e) {
            finish(status(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT)
                    .setReason(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED)
                    .setMessage("Failed to launch container: " + e.getMessage()));
            return;
        }
        try {
            Files.createDirectories(sandbox);
            for (Protos.CommandInfo.URI uri : task.getCommand().getUrisList()) {
                host.fetcher().fetch(uri, sandbox);
            }
        } catch (IOException | UriFetcher.FetchFailure e) {
            finish(status(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT)
                    .setReason(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED)
                    .setMessage("Failed to launch container: Failed to fetch all URIs for container '" + containerId
                            + "': " + e.getMessage()));
            return;
        }
        send(status(TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR));
        ContainedProcess started;
        synchronized (this) {
            if (killRequested) {
                finish(status(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_EXECUTOR).setMessage("Killed before the command started"));
                return;
            }
            try {
                process = agent.containment().start(launch(host));
            } catch (IOException e) {
                finish(status(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR)
                        .setReason(TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED)
                        .setMessage("Failed to launch command: " + e.getMessage()));
                return;
            }
            started = process;
        }
        started.awaitCommand(COMMAND_START); // as Mesos' executor, which reports RUNNING once it forked the command
        send(status(TaskState.TASK_RUNNING, TaskStatus.Source.SOURCE_EXECUTOR).setContainerStatus(
                Protos.ContainerStatus.newBuilder().setContainerId(Protos.ContainerID.newBuilder().setValue(containerId))
                        .addNetworkInfos(Protos.NetworkInfo.newBuilder().addIpAddresses(
                                Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress(agent.hostname())))
                        .setExecutorPid((int) started.pid())));
        int code;
        try {
            code = started.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.kill();
            return;
        }
        started.killLeftovers();             // the container is destroyed with its last process
        synchronized (this) {
            if (killRequested) {
                finish(status(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_EXECUTOR).setMessage(code > 128
                        ? "Command terminated with signal " + signalName(code) : "Command exited with status " + code));
            } else if (code == 0) {
                finish(status(TaskState.TASK_FINISHED, TaskStatus.Source.SOURCE_EXECUTOR).setMessage("Command exited with status 0"));
            } else if (code > 128) {
                finish(status(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR)
                        .setMessage("Command terminated with signal " + signalName(code)));
            } else {
                finish(status(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR)
                        .setMessage("Command exited with status " + code));
            }
        }
    }

    /** KILL: TASK_KILLING (for TASK_KILLING_STATE frameworks), SIGTERM to the tree, SIGKILL after the grace period. */
    synchronized void kill(java.util.Optional<Duration> override) {
        Duration grace = override.orElse(task.hasKillPolicy() && task.getKillPolicy().hasGracePeriod()
                ? Duration.ofNanos(task.getKillPolicy().getGracePeriod().getNanoseconds()) : DEFAULT_GRACE);
        if (finished || killRequested) {
            return;
        }
        killRequested = true;
        boolean killingState = framework.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
        if (killingState && process != null) {
            send(status(TaskState.TASK_KILLING, TaskStatus.Source.SOURCE_EXECUTOR));
        }
        if (process != null) {
            ContainedProcess p = process;
            p.terminate();
            agent.scheduler().schedule(() -> {
                if (p.isAlive()) {
                    p.kill();
                }
            }, grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Fault injection and shutdown: signal the container without a kill request (the task fails). */
    synchronized void signal(boolean forcibly) {
        if (process != null && process.isAlive()) {
            if (forcibly) {
                process.kill();
            } else {
                process.terminate();
            }
        }
    }

    synchronized boolean finished() {
        return finished;
    }

    /** The task's container while it runs. */
    synchronized Optional<ContainedProcess> container() {
        return Optional.ofNullable(process);
    }

    /** {@code shell: true}: {@code sh -c value}; otherwise {@code value} executed with {@code arguments} as argv. */
    private Launch launch(TaskHost host) {
        Protos.CommandInfo command = task.getCommand();
        String executable;
        List<String> argv = new ArrayList<>();
        if (command.getShell()) {
            executable = "/bin/sh";
            argv.addAll(List.of("sh", "-c", command.getValue()));
        } else {
            executable = command.getValue();
            argv.addAll(command.getArgumentsCount() > 0 ? command.getArgumentsList() : List.of(command.getValue()));
        }
        Map<String, String> commandEnv = new LinkedHashMap<>();
        for (Protos.Environment.Variable v : command.getEnvironment().getVariablesList()) {
            commandEnv.put(v.getName(), v.getValue());
        }
        String role = task.getResourcesCount() > 0 && task.getResources(0).hasAllocationInfo()
                ? task.getResources(0).getAllocationInfo().getRole() : framework.getRole();
        Map<String, String> env = ExecutorEnvironment.of(host.executorEnvironment(), new ExecutorEnvironment.Task(
                agent.hostname(), agent.agentId().getValue(), frameworkId.getValue(), task.getTaskId().getValue(),
                sandbox.toString(), framework.getCheckpoint(), role, commandEnv), host.forcedEnvironment());
        return new Launch(executable, argv, env, sandbox, sandbox.resolve("stdout"), sandbox.resolve("stderr"),
                Optional.of("MESOS_SANDBOX=" + sandbox));
    }

    private TaskStatus.Builder status(TaskState state, TaskStatus.Source source) {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(state).setSource(source)
                .setAgentId(agent.agentId())
                .setExecutorId(Protos.ExecutorID.newBuilder().setValue(task.getTaskId().getValue()))
                .setTimestamp(agent.clock().millis() / 1000.0)
                .setUuid(ByteString.copyFrom(bytes.array()));
    }

    private void send(TaskStatus.Builder status) {
        agent.updates().update(frameworkId, status.build());
    }

    private synchronized void finish(TaskStatus.Builder status) {
        finished = true;
        LOG.info("task ended task={} state={} message={}", task.getTaskId().getValue(), status.getState(), status.getMessage());
        send(status);
    }

    private static String signalName(int exitCode) {
        return switch (exitCode - 128) {
            case 9 -> "Killed";
            case 15 -> "Terminated";
            case 2 -> "Interrupt";
            case 1 -> "Hangup";
            default -> "number " + (exitCode - 128);
        };
    }
}
