package dev.calicodcos.sim.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment a command task starts with on a DC/OS agent, built in Mesos' order (pure).
 *
 * <ol>
 *   <li>the agent's {@code LIBPROCESS_IP} (DC/OS sets it from {@code detect_ip}; Mesos passes it on,
 *       {@code src/slave/slave.cpp executorEnvironment()}),</li>
 *   <li>{@code --executor_environment_variables}: DC/OS's {@code mesos-executor-environment.json}
 *       ({@code gen/dcos-config.yaml}); nothing of the agent's own environment is inherited,</li>
 *   <li>{@code LIBPROCESS_PORT=0} and the {@code MESOS_*} variables of {@code executorEnvironment()},</li>
 *   <li>{@code MESOS_SANDBOX} (the Mesos containerizer),</li>
 *   <li>the task's {@code command.environment}, then {@code MESOS_ALLOCATION_ROLE} (the command executor,
 *       {@code src/launcher/executor.cpp}),</li>
 *   <li>what the simulator forces so that a task never touches the real host.</li>
 * </ol>
 * Mesos sets no {@code HOME}, {@code USER} or {@code MESOS_TASK_ID} for command tasks, so neither does this.
 */
final class ExecutorEnvironment {
    /** DC/OS's {@code mesos_recovery_timeout} default ({@code gen/calc.py}). */
    static final String RECOVERY_TIMEOUT = "24hrs";
    /** DC/OS's {@code MESOS_EXECUTOR_REREGISTRATION_TIMEOUT}. */
    static final String REREGISTRATION_TIMEOUT = "10secs";
    static final String SHUTDOWN_GRACE_PERIOD = "5secs";

    private ExecutorEnvironment() {}

    /** Content of {@code /opt/mesosphere/etc/mesos-executor-environment.json} for a DC/OS version. */
    static Map<String, String> dcos(String dcosVersion) {
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("SHELL", "/usr/bin/bash");
        env.put("LIBPROCESS_NUM_WORKER_THREADS", "8");
        if (before111(dcosVersion)) {             // dropped in DC/OS 1.11
            env.put("LD_LIBRARY_PATH", "/opt/mesosphere/lib");
            env.put("SASL_PATH", "/opt/mesosphere/lib/sasl2");
        }
        return env;
    }

    /** What one launch needs to know. */
    record Task(String agentIp, String agentId, String frameworkId, String executorId, String sandbox,
                boolean checkpoint, String role, Map<String, String> commandEnvironment) {}

    static Map<String, String> of(Map<String, String> executorEnvironmentJson, Task task, Map<String, String> forced) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIBPROCESS_IP", task.agentIp());
        env.putAll(executorEnvironmentJson);
        env.put("LIBPROCESS_PORT", "0");
        env.put("MESOS_FRAMEWORK_ID", task.frameworkId());
        env.put("MESOS_EXECUTOR_ID", task.executorId());
        env.put("MESOS_DIRECTORY", task.sandbox());
        env.put("MESOS_SLAVE_ID", task.agentId());
        env.put("MESOS_SLAVE_PID", "slave(1)@" + task.agentIp() + ":5051");
        env.put("MESOS_AGENT_ENDPOINT", task.agentIp() + ":5051");
        env.put("MESOS_CHECKPOINT", task.checkpoint() ? "1" : "0");
        env.put("MESOS_HTTP_COMMAND_EXECUTOR", "0");
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", SHUTDOWN_GRACE_PERIOD);
        if (task.checkpoint()) {
            env.put("MESOS_RECOVERY_TIMEOUT", RECOVERY_TIMEOUT);
            env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", REREGISTRATION_TIMEOUT);
        }
        env.put("MESOS_SANDBOX", task.sandbox());
        env.putAll(task.commandEnvironment());
        env.put("MESOS_ALLOCATION_ROLE", task.role());
        env.putAll(forced);
        return env;
    }

    private static boolean before111(String dcosVersion) {
        String[] parts = dcosVersion.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
            return major < 1 || (major == 1 && minor < 11);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
