package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A task sees its agent's host root, DOCKER_HOST and (through the host's PATH) fake systemctl; restarting the agent unit really takes the agent away. */
@Tag("integration")
class AgentHostTest {
    private static final String HOST = "10.0.1.21";
    private static final ObjectMapper JSON = new ObjectMapper();
    private SimulatedCluster cluster;
    private TestScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent(HOST), AgentSpec.publicAgent("10.0.5.10"))
                .heartbeatInterval(Duration.ofSeconds(1)).allocationInterval(Duration.ofMillis(100))
                .statusUpdateRetry(Duration.ofMillis(500)).agentRestartDelay(Duration.ofMillis(1500)).start();
        scheduler = new TestScheduler(cluster.masterUrl());
        scheduler.subscribe(TestScheduler.multiRole("calico", "slave_public").build());
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        cluster.close();
    }

    @Test
    void hostRootIsLaidOutLikeADcosAgent() {
        Path root = cluster.hostRoot(HOST);
        Path publicRoot = cluster.hostRoot("10.0.5.10");

        assertThat(root.resolve("etc/docker")).isDirectory();
        assertThat(root.resolve("etc/docker/daemon.json")).doesNotExist();
        assertThat(root.resolve("opt/mesosphere/active/cni")).isDirectory();
        assertThat(root.resolve("opt/mesosphere/etc/dcos/network/cni")).isDirectory();
        assertThat(root.resolve("opt/mesosphere/bin/detect_ip")).isExecutable();
        assertThat(root.resolve("etc/os-release")).content().contains("CentOS");
        assertThat(root.resolve("etc/mesosphere/roles/slave")).exists();
        assertThat(publicRoot.resolve("etc/mesosphere/roles/slave_public")).exists();
        assertThat(root.resolve("var/lib/dcos")).isDirectory();
    }

    @Test
    void taskSeesHostRootDockerHostAndFakeSystemctlAndAgentRestartIsVisibleInMasterSlaves() throws Exception {
        Protos.Offer offer = await().atMost(Duration.ofSeconds(10))
                .until(() -> scheduler.offers(o -> o.getHostname().equals(HOST)), l -> !l.isEmpty()).get(0);
        String script = String.join("\n",
                "set -e",
                "PATH=\"$CALICO_DCOS_HOST_ROOT/usr/sbin:$CALICO_DCOS_HOST_ROOT/usr/bin:$PATH\"   # host tools, as the node agent runs them",
                "echo \"root=$CALICO_DCOS_HOST_ROOT\" > facts",
                "echo \"docker=$DOCKER_HOST\" >> facts",
                "echo \"sandbox=$MESOS_SANDBOX\" >> facts",
                "echo \"task=$MESOS_EXECUTOR_ID\" >> facts",
                "echo \"ip=$($CALICO_DCOS_HOST_ROOT/opt/mesosphere/bin/detect_ip)\" >> facts",
                "echo \"systemctl=$(command -v systemctl)\" >> facts",
                "echo \"before=$(systemctl is-active dcos-mesos-slave)\" >> facts",
                "while [ ! -e go ]; do sleep 0.05; done   # the test holds an offer for this agent first",
                "systemctl restart dcos-mesos-slave",
                "echo \"after=$(systemctl is-active dcos-mesos-slave)\" >> facts",
                "echo \"$(systemctl show -p ActiveEnterTimestamp dcos-mesos-slave)\" >> facts",
                "systemctl restart dcos-mesos-slave-public 2>> facts || echo \"public-exit=$?\" >> facts",
                "sleep 30");
        Protos.TaskInfo.Builder task = Tasks.task("restarter", offer, Tasks.shell(script));
        task.getCommandBuilder().setEnvironment(Protos.Environment.newBuilder().addVariables(
                Protos.Environment.Variable.newBuilder().setName("CALICO_DCOS_HOST_ROOT").setValue("/")));

        scheduler.call(Tasks.launch(offer, task));
        // an offer for the rest of this agent is outstanding when it goes away, so the master owes a rescind
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> o.getHostname().equals(HOST)).size() > 1);
        Path sandbox = await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agent(HOST).sandbox("restarter"), java.util.Optional::isPresent).get();
        Files.writeString(sandbox.resolve("go"), "");

        await().atMost(Duration.ofSeconds(10)).until(() -> agentActive(HOST).equals("false"));
        await().atMost(Duration.ofSeconds(10)).until(() -> agentActive(HOST).equals("true"));
        Path facts = sandbox.resolve("facts");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(facts) && Files.readString(facts).contains("public-exit"));
        String content = Files.readString(facts);
        assertThat(content).contains("root=" + cluster.hostRoot(HOST))      // forced over the task's "/"
                .contains("docker=" + cluster.agent(HOST).docker().dockerHost())
                .contains("task=restarter").contains("ip=" + HOST)
                .contains("systemctl=" + cluster.agent(HOST).hostRoot().systemctl())
                .contains("before=active").contains("after=active").contains("ActiveEnterTimestamp=")
                .contains("Unit dcos-mesos-slave-public.service not found").contains("public-exit=5");
        assertThat(Files.readAllLines(cluster.hostRoot(HOST).resolve("var/log/fake-systemctl.log")))
                .anySatisfy(line -> assertThat(line).endsWith(" restart dcos-mesos-slave"))
                .allSatisfy(line -> assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z .*"));
        assertThat(slaves().get("slaves").findValues("reregistered_time")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scheduler.events(Event.Type.RESCIND)).isNotEmpty());
        // the task survived the restart
        assertThat(scheduler.updates("restarter").stream().map(Protos.TaskStatus::getState))
                .doesNotContain(TaskState.TASK_FAILED, TaskState.TASK_LOST, TaskState.TASK_KILLED);
    }

    @Test
    void dockerRestartThroughSystemctlPicksUpClusterStoreAndRestartsContainers() throws Exception {
        var agent = cluster.agent(HOST);
        DockerClient docker = new DockerClient(agent.docker().dockerHost());
        assertThat(docker.get("/_ping").body()).isEqualTo("OK");
        assertThat(JSON.readTree(docker.get("/v1.39/info").body()).get("ClusterStore").asText()).isEmpty();
        String id = JSON.readTree(docker.post("/v1.39/containers/create?name=calico-node",
                "{\"Image\":\"busybox\",\"Env\":[\"A=1\"],\"Labels\":{\"app\":\"calico\"},"
                        + "\"HostConfig\":{\"NetworkMode\":\"host\",\"Privileged\":true,\"Binds\":[\"/lib/modules:/lib/modules\"],"
                        + "\"RestartPolicy\":{\"Name\":\"always\"}}}").body()).get("Id").asText();
        assertThat(docker.post("/v1.39/containers/" + id + "/start", "").statusCode()).isEqualTo(204);
        Files.writeString(agent.hostRoot().daemonJson(), "{\"cluster-store\": \"etcd://127.0.0.1:2379\"}");

        HostServicesTest.Run result = run(agent, "restart", "docker");

        assertThat(result.exitCode()).isZero();
        assertThat(JSON.readTree(docker.get("/v1.39/info").body()).get("ClusterStore").asText()).isEqualTo("etcd://127.0.0.1:2379");
        JsonNode inspect = JSON.readTree(docker.get("/v1.39/containers/calico-node/json").body());
        assertThat(inspect.at("/State/Running").asBoolean()).isTrue();
        assertThat(inspect.get("RestartCount").asInt()).isEqualTo(1);
        assertThat(inspect.at("/HostConfig/NetworkMode").asText()).isEqualTo("host");
        JsonNode listed = JSON.readTree(docker.get("/v1.39/containers/json?all=1&filters="
                + java.net.URLEncoder.encode("{\"label\":[\"app=calico\"]}", java.nio.charset.StandardCharsets.UTF_8)).body());
        assertThat(listed).hasSize(1);
    }

    @Test
    void dockerTwentyThreeRefusesToStartWithAClusterStore() throws Exception {
        var agent = cluster.faults().addAgent(AgentSpec.privateAgent("10.0.1.30").withDockerVersion("24.0.7"));
        DockerClient docker = new DockerClient(agent.docker().dockerHost());
        assertThat(JSON.readTree(docker.get("/info").body()).has("ClusterStore")).isFalse();
        Files.writeString(agent.hostRoot().daemonJson(), "{\"cluster-store\": \"etcd://127.0.0.1:2379\"}");

        HostServicesTest.Run result = run(agent, "restart", "docker");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(run(agent, "is-active", "docker").stdout()).isEqualTo("failed");
        assertThat(agent.docker().lastFailure()).contains("don't match any configuration option: cluster-store");
    }

    /** Runs the real fake-systemctl script, as a task would. */
    private static HostServicesTest.Run run(dev.calicodcos.sim.agent.SimAgent agent, String... args) throws Exception {
        return HostServicesTest.systemctl(agent, args);
    }

    private String agentActive(String hostname) throws Exception {
        for (JsonNode s : slaves().get("slaves")) {
            if (s.get("hostname").asText().equals(hostname)) {
                return s.get("active").asText();
            }
        }
        return "absent";
    }

    private JsonNode slaves() throws Exception {
        return JSON.readTree(TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/master/slaves")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Minimal Docker Engine API client for tests. */
    record DockerClient(String dockerHost) {
        HttpResponse<String> get(String path) throws Exception {
            return TestScheduler.HTTP.send(HttpRequest.newBuilder(java.net.URI.create(dockerHost.replace("tcp://", "http://") + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String body) throws Exception {
            return TestScheduler.HTTP.send(HttpRequest.newBuilder(java.net.URI.create(dockerHost.replace("tcp://", "http://") + path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
