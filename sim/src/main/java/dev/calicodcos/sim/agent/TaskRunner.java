package dev.calicodcos.sim.agent;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * TASK_STARTING, start the process, TASK_RUNNING, then FINISHED / FAILED by exit code, or KILLED
 * after SIGTERM and, when the grace period runs out, SIGKILL.
 */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);

    /** What a task needs from its agent. */
    record AgentContext(Protos.AgentID agentId, String hostname, Map<String, String> agentEnvironment,
                        String pathPrefix, StatusUpdateManager updates, UriFetcher fetcher,
                        ScheduledExecutorService scheduler, Clock clock) {}

    private final AgentContext agent;
    private final FrameworkID frameworkId;
    private final FrameworkInfo framework;
    private final TaskInfo task;
    private final Path sandbox;
    private final String containerId = UUID.randomUUID().toString();
    private Process process;
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
        try {
            Files.createDirectories(sandbox);
            for (Protos.CommandInfo.URI uri : task.getCommand().getUrisList()) {
                agent.fetcher().fetch(uri, sandbox);
            }
        } catch (IOException | UriFetcher.FetchFailure e) {
            finish(status(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_AGENT)
                    .setReason(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED)
                    .setMessage("Failed to launch container: Failed to fetch all URIs for container '" + containerId
                            + "': " + e.getMessage()));
            return;
        }
        send(status(TaskState.TASK_STARTING, TaskStatus.Source.SOURCE_EXECUTOR));
        Process started;
        synchronized (this) {
            if (killRequested) {
                finish(status(TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_EXECUTOR).setMessage("Killed before the command started"));
                return;
            }
            try {
                process = processBuilder().start();
            } catch (IOException e) {
                finish(status(TaskState.TASK_FAILED, TaskStatus.Source.SOURCE_EXECUTOR)
                        .setReason(TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED)
                        .setMessage("Failed to launch command: " + e.getMessage()));
                return;
            }
            started = process;
        }
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
            destroyTree(true);
            return;
        }
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
            destroyTree(false);
            agent.scheduler().schedule(() -> destroyTree(true), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Fault injection and shutdown: signal the process tree without a kill request (the task fails). */
    synchronized void signal(boolean forcibly) {
        if (process != null) {
            destroyTree(forcibly);
        }
    }

    synchronized boolean finished() {
        return finished;
    }

    private synchronized void destroyTree(boolean forcibly) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.descendants().forEach(h -> {
            if (forcibly) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        });
        if (forcibly) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
    }

    private ProcessBuilder processBuilder() {
        Protos.CommandInfo command = task.getCommand();
        List<String> argv = new ArrayList<>();
        if (command.getShell()) {
            argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
        } else {
            String exe = command.getValue();
            if (exe.contains("/") && !exe.startsWith("/")) {
                exe = sandbox.resolve(exe).toString();      // relative to the sandbox, which is the working directory
            }
            argv.add(exe);
            // arguments is the full argv; argv[0] cannot be set separately from Java, so it is the executable path
            if (command.getArgumentsCount() > 1) {
                argv.addAll(command.getArgumentsList().subList(1, command.getArgumentsCount()));
            }
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(sandbox.toFile())
                .redirectOutput(sandbox.resolve("stdout").toFile()).redirectError(sandbox.resolve("stderr").toFile());
        Map<String, String> env = pb.environment();
        env.putAll(agent.agentEnvironment());
        env.putAll(mesosEnvironment());
        for (Protos.Environment.Variable v : command.getEnvironment().getVariablesList()) {
            env.put(v.getName(), v.getValue());
        }
        // the simulated agent forces these so a task can never touch the real host
        env.put("CALICO_DCOS_HOST_ROOT", agent.agentEnvironment().get("CALICO_DCOS_HOST_ROOT"));
        env.put("DOCKER_HOST", agent.agentEnvironment().get("DOCKER_HOST"));
        env.put("PATH", agent.pathPrefix() + ":" + env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        return pb;
    }

    private Map<String, String> mesosEnvironment() {
        String host = agent.hostname();
        String role = task.getResourcesCount() > 0 && task.getResources(0).hasAllocationInfo()
                ? task.getResources(0).getAllocationInfo().getRole() : framework.getRole();
        return Map.ofEntries(
                Map.entry("MESOS_SANDBOX", sandbox.toString()),
                Map.entry("MESOS_DIRECTORY", sandbox.toString()),
                Map.entry("MESOS_TASK_ID", task.getTaskId().getValue()),
                Map.entry("MESOS_EXECUTOR_ID", task.getTaskId().getValue()),
                Map.entry("MESOS_FRAMEWORK_ID", frameworkId.getValue()),
                Map.entry("MESOS_AGENT_ENDPOINT", host + ":5051"),
                Map.entry("MESOS_SLAVE_ID", agent.agentId().getValue()),
                Map.entry("MESOS_SLAVE_PID", "slave(1)@" + host + ":5051"),
                Map.entry("MESOS_CHECKPOINT", framework.getCheckpoint() ? "1" : "0"),
                Map.entry("MESOS_CONTAINER_IP", host),
                Map.entry("MESOS_ALLOCATION_ROLE", role),
                Map.entry("MESOS_HTTP_COMMAND_EXECUTOR", "0"),
                Map.entry("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs"));
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
