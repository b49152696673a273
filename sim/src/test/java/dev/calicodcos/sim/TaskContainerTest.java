package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;


import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A task starts with DC/OS's executor environment and nothing of the simulator's, runs in its own PID
 * namespace, and everything it started ends with it.
 */
@Tag("integration")
class TaskContainerTest {
    private static final String HOST = "10.0.1.21";
    private SimulatedCluster cluster;
    private TestScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent(HOST), AgentSpec.publicAgent("10.0.5.10"))
                .heartbeatInterval(Duration.ofSeconds(1)).allocationInterval(Duration.ofMillis(100))
                .statusUpdateRetry(Duration.ofMillis(300)).agentRestartDelay(Duration.ofMillis(300)).start();
        scheduler = new TestScheduler(cluster.masterUrl());
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        cluster.close();
    }

    @Test
    void taskGetsExactlyTheExecutorEnvironmentThenItsOwnThenTheForcedVariables() throws Exception {
        Protos.TaskInfo.Builder task = launch("env", Tasks.args("/usr/bin/env", "env").setEnvironment(Protos.Environment.newBuilder()
                .addVariables(variable("FOO", "bar"))
                .addVariables(variable("CALICO_DCOS_HOST_LOOPBACK", "127.0.0.1"))
                .addVariables(variable("MESOS_ALLOCATION_ROLE", "mine"))));
        acknowledgeUntil("env", TaskState.TASK_FINISHED);

        Map<String, String> env = parse(Files.readString(sandbox("env").resolve("stdout")));
        var agent = cluster.agent(HOST);
        assertThat(env.keySet()).containsExactlyInAnyOrder("LIBPROCESS_IP", "PATH", "SHELL", "LIBPROCESS_NUM_WORKER_THREADS",
                "LIBPROCESS_PORT", "MESOS_FRAMEWORK_ID", "MESOS_EXECUTOR_ID", "MESOS_DIRECTORY", "MESOS_SLAVE_ID",
                "MESOS_SLAVE_PID", "MESOS_AGENT_ENDPOINT", "MESOS_CHECKPOINT", "MESOS_HTTP_COMMAND_EXECUTOR",
                "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "MESOS_RECOVERY_TIMEOUT", "MESOS_SUBSCRIPTION_BACKOFF_MAX",
                "MESOS_SANDBOX", "MESOS_ALLOCATION_ROLE", "FOO", "CALICO_DCOS_HOST_ROOT", "DOCKER_HOST",
                "CALICO_DCOS_HOST_LOOPBACK");
        assertThat(env).containsEntry("PATH", "/usr/bin:/bin").containsEntry("SHELL", "/usr/bin/bash")
                .containsEntry("LIBPROCESS_IP", HOST).containsEntry("MESOS_EXECUTOR_ID", "env")
                .containsEntry("MESOS_SANDBOX", sandbox("env").toString()).containsEntry("FOO", "bar")
                .containsEntry("MESOS_ALLOCATION_ROLE", "calico")          // the executor sets it after the task's own
                .containsEntry("CALICO_DCOS_HOST_ROOT", agent.hostRoot().root().toString())
                .containsEntry("DOCKER_HOST", agent.docker().dockerHost())
                .containsEntry("CALICO_DCOS_HOST_LOOPBACK", agent.loopback());
        assertThat(env).doesNotContainKeys("HOME", "JAVA_HOME", "USER", "MESOS_TASK_ID", "PWD");
    }

    @Test
    void everyAgentHasItsOwnWorkingLoopbackAddress() throws Exception {
        List<String> loopbacks = cluster.agents().stream().map(a -> a.loopback()).toList();

        assertThat(new HashSet<>(loopbacks)).hasSize(2);
        for (String address : loopbacks) {
            assertThat(address).startsWith("127.").isNotEqualTo("127.0.0.1");
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
                assertThat(server.getInetAddress().getHostAddress()).isEqualTo(address);
            }
        }
        assertThat(cluster.faults().addAgent(AgentSpec.privateAgent("10.0.1.30")).loopback()).isNotIn(loopbacks);
    }

    @Test
    void detectIpCannotFindIpWithTheTaskPathButDoesWithTheHostDirectoriesFirst() throws Exception {
        launch("ip", Tasks.shell(String.join("\n",
                "\"$CALICO_DCOS_HOST_ROOT/opt/mesosphere/bin/detect_ip\" > plain 2> plain.err; echo $? > plain.rc",
                "host=$CALICO_DCOS_HOST_ROOT",
                "PATH=$host/usr/local/sbin:$host/usr/local/bin:$host/usr/sbin:$host/usr/bin:$host/sbin:$host/bin:$PATH"
                        + " \"$host/opt/mesosphere/bin/detect_ip\" > full")));
        acknowledgeUntil("ip", TaskState.TASK_FINISHED);

        Path sandbox = sandbox("ip");
        assertThat(sandbox.resolve("plain.rc")).hasContent("127");
        assertThat(sandbox.resolve("plain.err")).content().matches("(?s).*/opt/mesosphere/bin/detect_ip: line \\d+: ip: command not found\n");
        assertThat(sandbox.resolve("full")).hasContent(HOST);
    }

    @Test
    void taskSeesNamespaceLocalPids() throws Exception {
        assumeTrue(cluster.pidNamespaces(), "PID namespaces are not available here");
        launch("pids", Tasks.shell("echo $$ > pid; ls /proc | grep -c '^[0-9]' > count; sleep 60"));
        Protos.TaskStatus running = acknowledgeUntil("pids", TaskState.TASK_RUNNING);
        Path sandbox = sandbox("pids");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(sandbox.resolve("count")) && Files.size(sandbox.resolve("count")) > 0);

        int executorPid = running.getContainerStatus().getExecutorPid();
        assertThat(Files.readString(sandbox.resolve("pid")).strip()).isEqualTo("2");   // pid 1 is the container's init
        assertThat(Integer.parseInt(Files.readString(sandbox.resolve("count")).strip())).isLessThanOrEqualTo(5);
        assertThat(ProcessHandle.of(executorPid)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
        assertThat(cluster.agent(HOST).taskProcesses("pids")).isNotEmpty().doesNotContain(2L);
    }

    @Test
    void setsidDaemonIgnoringSigtermDiesWhenItsTaskIsKilled() throws Exception {
        String token = TestProcesses.daemonToken();
        runWithDaemon("killed", token, "setsid sh -c 'trap \"\" TERM; exec sleep " + token + "' </dev/null >/dev/null 2>&1 &\nsleep 600");

        scheduler.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(Protos.TaskID.newBuilder().setValue("killed")).setAgentId(cluster.agent(HOST).id())));
        acknowledgeUntil("killed", TaskState.TASK_KILLED);

        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.sleeping(token).isEmpty());
        assertThat(cluster.agent(HOST).taskProcesses("killed")).isEmpty();
    }

    @Test
    void doubleForkedDaemonDiesWhenItsTaskExitsByItself() throws Exception {
        String token = TestProcesses.daemonToken();
        runWithDaemon("exits", token, String.join("\n",
                "( setsid sh -c 'exec sleep " + token + "' </dev/null >/dev/null 2>&1 & ) ",
                "while [ ! -f release ]; do sleep 0.05; done",
                "exit 0"));

        Files.writeString(sandbox("exits").resolve("release"), "");
        acknowledgeUntil("exits", TaskState.TASK_FINISHED);

        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.sleeping(token).isEmpty());
    }

    @Test
    void daemonsOfEveryTaskDieWhenTheFrameworkIsTornDown() throws Exception {
        String token = TestProcesses.daemonToken();
        runWithDaemon("torn", token, "setsid sleep " + token + " </dev/null >/dev/null 2>&1 &\nsleep 600");

        scheduler.call(Call.newBuilder().setType(Call.Type.TEARDOWN));

        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.sleeping(token).isEmpty());
    }

    @Test
    void daemonsDieWhenTheAgentIsRemovedButNotWhenItRestarts() throws Exception {
        String token = TestProcesses.daemonToken();
        runWithDaemon("kept", token, "setsid sleep " + token + " </dev/null >/dev/null 2>&1 &\nsleep 600");

        cluster.faults().restartAgent(HOST);
        assertThat(TestProcesses.sleeping(token)).isNotEmpty();
        cluster.faults().removeAgent(HOST);

        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.sleeping(token).isEmpty());
    }

    // ------------------------------------------------------------------ helpers

    /** Launches a shell task and returns once it runs and its {@code sleep <token>} daemon is up. */
    private void runWithDaemon(String id, String token, String script) throws Exception {
        launch(id, Tasks.shell(script));
        acknowledgeUntil(id, TaskState.TASK_RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> !TestProcesses.sleeping(token).isEmpty());
    }

    private Protos.TaskInfo.Builder launch(String id, Protos.CommandInfo.Builder command) throws Exception {
        Protos.Offer offer = await().atMost(Duration.ofSeconds(10))
                .until(() -> scheduler.offers(o -> o.getHostname().equals(HOST)), l -> !l.isEmpty()).get(0);
        Protos.TaskInfo.Builder task = Tasks.task(id, offer, command);
        assertThat(scheduler.call(Tasks.launch(offer, task)).statusCode()).isEqualTo(202);
        scheduler.call(Call.newBuilder().setType(Call.Type.REVIVE));
        return task;
    }

    private Path sandbox(String taskId) {
        return cluster.agent(HOST).sandbox(taskId).orElseThrow();
    }

    private static Protos.Environment.Variable.Builder variable(String name, String value) {
        return Protos.Environment.Variable.newBuilder().setName(name).setValue(value);
    }

    private static Map<String, String> parse(String env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.lines().forEach(l -> out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return out;
    }

    private Protos.TaskStatus acknowledgeUntil(String taskId, TaskState state) {
        Set<com.google.protobuf.ByteString> acked = new HashSet<>();
        return await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Protos.TaskStatus s : scheduler.updates(taskId)) {
                if (s.hasUuid() && acked.add(s.getUuid())) {
                    scheduler.acknowledge(s);
                }
            }
            return scheduler.updates(taskId).stream().filter(s -> s.getState() == state).findFirst().orElse(null);
        }, s -> s != null);
    }

}
