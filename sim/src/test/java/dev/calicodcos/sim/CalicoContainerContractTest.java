package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.sim.docker.DockerEvent;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Docker fake refuses Calico containers that would not work on a real agent (calicoctl v1.6
 * {@code node run}, libnetwork-plugin v1.1.3), including node names that disagree, and logs container
 * and daemon events under the host root.
 */
@Tag("integration")
class CalicoContainerContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SimulatedCluster cluster;
    private static int agents;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.builder().heartbeatInterval(Duration.ofSeconds(1))
                .dockerImages(List.of("busybox:latest", "calico/node:v2.6.12", "quay.io/calico/node:v2.6.12",
                        "calico/libnetwork-plugin:v1.1.3", "registry.example:5000/calico/libnetwork-plugin:v1.1.3"))
                .start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** A fresh agent per test: containers and node names of one test never meet another's. */
    private static SimAgent agent(AgentSpec spec) {
        return cluster.faults().addAgent(spec);
    }

    private static SimAgent agent() {
        return agent(AgentSpec.privateAgent("10.0.2." + (++agents)));
    }

    /** calico/node as {@code calicoctl node run --disable-docker-networking} creates it. */
    static ObjectNode node(String image, String nodeName) {
        ObjectNode body = JSON.createObjectNode().put("Image", image);
        ArrayNode env = body.putArray("Env");
        env.add("NODENAME=" + nodeName).add("CALICO_NETWORKING_BACKEND=bird").add("CALICO_LIBNETWORK_ENABLED=false")
                .add("ETCD_ENDPOINTS=http://127.0.0.1:2379").add("IP=10.0.2.1");
        ObjectNode host = body.putObject("HostConfig").put("NetworkMode", "host").put("Privileged", true);
        host.putObject("RestartPolicy").put("Name", "always");
        host.putArray("Binds").add("/var/log/calico:/var/log/calico").add("/var/run/calico:/var/run/calico")
                .add("/lib/modules:/lib/modules").add("/run:/run");
        return body;
    }

    /** calico/libnetwork-plugin as its README runs it. */
    static ObjectNode libnetwork(String image) {
        ObjectNode body = JSON.createObjectNode().put("Image", image);
        body.putArray("Env").add("ETCD_ENDPOINTS=http://127.0.0.1:2379");
        ObjectNode host = body.putObject("HostConfig").put("NetworkMode", "host").put("Privileged", true);
        host.putObject("RestartPolicy").put("Name", "always");
        host.putArray("Binds").add("/run/docker/plugins:/run/docker/plugins").add("/var/run/docker.sock:/var/run/docker.sock");
        return body;
    }

    static HttpResponse<String> create(SimAgent agent, String name, ObjectNode body) throws Exception {
        return new AgentHostTest.DockerClient(agent.docker().dockerHost()).post("/v1.39/containers/create?name=" + name, body.toString());
    }

    static ObjectNode with(ObjectNode body, Consumer<ObjectNode> change) {
        ObjectNode copy = body.deepCopy();
        change.accept(copy);
        return copy;
    }

    static String message(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("message").asText();
    }

    @Test
    void containersThatKeepTheContractAreCreatedWhateverTheRegistry() throws Exception {
        SimAgent agent = agent();

        assertThat(create(agent, "calico-node", node("quay.io/calico/node:v2.6.12", agent.spec().hostname())).statusCode()).isEqualTo(201);
        assertThat(create(agent, "calico-libnetwork", libnetwork("registry.example:5000/calico/libnetwork-plugin:v1.1.3"))
                .statusCode()).isEqualTo(201);
        assertThat(create(agent, "anything", JSON.createObjectNode().put("Image", "busybox")).statusCode()).isEqualTo(201);
    }

    @Test
    void calicoNodeBreakingARuleIsRefusedNamingTheRuleAndItsSource() throws Exception {
        SimAgent agent = agent();
        String name = agent.spec().hostname();
        Map<ObjectNode, String> broken = Map.of(
                with(node("calico/node:v2.6.12", name), b -> ((ArrayNode) b.at("/HostConfig/Binds")).remove(3)),
                "a bind /run:/run is missing (calicoctl v1.6.5 calicoctl/commands/node/run.go:306 (the xtables lock))",
                with(node("calico/node:v2.6.12", name), b -> ((ObjectNode) b.get("HostConfig")).put("Privileged", false)),
                "HostConfig.Privileged must be true (calicoctl v1.6.5 calicoctl/commands/node/run.go:338 --privileged)",
                with(node("calico/node:v2.6.12", name), b -> ((ObjectNode) b.get("HostConfig")).put("NetworkMode", "bridge")),
                "HostConfig.NetworkMode must be \"host\"",
                with(node("calico/node:v2.6.12", name), b -> ((ObjectNode) b.at("/HostConfig/RestartPolicy")).put("Name", "no")),
                "HostConfig.RestartPolicy.Name must be \"always\"",
                with(node("calico/node:v2.6.12", name), b -> ((ArrayNode) b.get("Env")).set(2, "CALICO_LIBNETWORK_ENABLED=true")),
                "a bind /run/docker/plugins:/run/docker/plugins is missing",
                with(node("calico/node:v2.6.12", name), b -> ((ArrayNode) b.get("Env")).add("ETCD_CA_CERT_FILE=/etc/calico/certs/ca_cert.crt")),
                "Env ETCD_CA_CERT_FILE=/etc/calico/certs/ca_cert.crt is not a mounted file");
        for (Map.Entry<ObjectNode, String> e : broken.entrySet()) {
            HttpResponse<String> response = create(agent, "calico-node", e.getKey());

            assertThat(response.statusCode()).as(e.getValue()).isEqualTo(400);
            assertThat(message(response)).startsWith("calico/node contract: ").contains(e.getValue());
        }
        assertThat(agent.docker().containerStates()).isEmpty();
    }

    @Test
    void tlsFilesMustBeMountedFromExistingHostFiles() throws Exception {
        SimAgent agent = agent();
        Path ca = agent.hostRoot().root().resolve("etc/calico/certs/ca.pem");
        ObjectNode body = with(node("calico/node:v2.6.12", agent.spec().hostname()), b -> {
            ((ArrayNode) b.get("Env")).add("ETCD_CA_CERT_FILE=/etc/calico/certs/ca_cert.crt");
            ((ArrayNode) b.at("/HostConfig/Binds")).add("/etc/calico/certs/ca.pem:/etc/calico/certs/ca_cert.crt");
        });

        HttpResponse<String> missing = create(agent, "calico-node", body);
        Files.createDirectories(ca.getParent());
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n");
        HttpResponse<String> present = create(agent, "calico-node", body);

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(message(missing)).contains("the host file /etc/calico/certs/ca.pem mounted for ETCD_CA_CERT_FILE does not exist");
        assertThat(present.statusCode()).isEqualTo(201);
    }

    @Test
    void libnetworkPluginWithoutTheDockerMountsIsRefused() throws Exception {
        SimAgent agent = agent();

        HttpResponse<String> response = create(agent, "calico-libnetwork", with(libnetwork("calico/libnetwork-plugin:v1.1.3"),
                b -> ((ArrayNode) b.at("/HostConfig/Binds")).remove(1)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(message(response)).isEqualTo("calico/libnetwork-plugin contract: a bind /var/run/docker.sock:/var/run/docker.sock"
                + " is missing (libnetwork-plugin v1.1.3 README.md:35,41)");
    }

    @Test
    void nodeNamesMustAgreeAndLibnetworkTakesTheKernelHostNameWhenHostnameIsUnset() throws Exception {
        SimAgent agent = agent(AgentSpec.privateAgent("10.0.2.200").withKernelHostname("agent-7.unresolvable.invalid")
                .withoutEtcHostname());
        assertThat(create(agent, "calico-node", node("calico/node:v2.6.12", "10.0.2.200")).statusCode()).isEqualTo(201);

        HttpResponse<String> kernelName = create(agent, "calico-libnetwork", libnetwork("calico/libnetwork-plugin:v1.1.3"));
        HttpResponse<String> forkVariable = create(agent, "calico-libnetwork", with(libnetwork("calico/libnetwork-plugin:v1.1.3"),
                b -> ((ArrayNode) b.get("Env")).add("CALICO_LIBNETWORK_HOSTNAME=10.0.2.200")));
        HttpResponse<String> hostnameSet = create(agent, "calico-libnetwork", with(libnetwork("calico/libnetwork-plugin:v1.1.3"),
                b -> ((ArrayNode) b.get("Env")).add("HOSTNAME=10.0.2.200")));

        assertThat(kernelName.statusCode()).isEqualTo(400);
        assertThat(message(kernelName)).startsWith("calico/libnetwork-plugin contract: the node name 'agent-7.unresolvable.invalid'"
                + " (the kernel host name) differs from calico-node's node name '10.0.2.200'").contains("utils/os/utils.go:5-13");
        assertThat(forkVariable.statusCode()).isEqualTo(400);
        assertThat(hostnameSet.statusCode()).isEqualTo(201);
    }

    @Test
    void calicoNodeMayLeaveItsNameToTheKernelWhenLibnetworkDoesToo() throws Exception {
        SimAgent agent = agent(AgentSpec.privateAgent("10.0.2.201").withKernelHostname("agent-8.unresolvable.invalid"));
        assertThat(create(agent, "calico-libnetwork", libnetwork("calico/libnetwork-plugin:v1.1.3")).statusCode()).isEqualTo(201);

        HttpResponse<String> byIp = create(agent, "calico-node", node("calico/node:v2.6.12", "10.0.2.201"));
        HttpResponse<String> byKernelName = create(agent, "calico-node", node("calico/node:v2.6.12", "agent-8.unresolvable.invalid"));

        assertThat(byIp.statusCode()).isEqualTo(400);
        assertThat(message(byIp)).contains("the node name '10.0.2.201' (NODENAME) differs from calico-libnetwork's node name"
                + " 'agent-8.unresolvable.invalid'");
        assertThat(byKernelName.statusCode()).isEqualTo(201);
    }

    @Test
    void containerAndDaemonEventsAreLoggedUnderTheHostRoot() throws Exception {
        SimAgent agent = agent();
        AgentHostTest.DockerClient docker = new AgentHostTest.DockerClient(agent.docker().dockerHost());
        create(agent, "calico-node", node("calico/node:v2.6.12", agent.spec().hostname()));
        docker.post("/containers/calico-node/start", "");
        docker.post("/containers/calico-node/stop", "");
        docker.post("/containers/calico-node/start", "");

        agent.systemctl().run(List.of("restart", "docker"));

        assertThat(agent.docker().startCount("calico-node")).isEqualTo(3);
        assertThat(agent.docker().daemonStarts()).isEqualTo(2);
        assertThat(agent.docker().events()).extracting(e -> e.subject() + " " + e.event() + (e.name().isEmpty() ? "" : " " + e.name()))
                .containsExactly("daemon start", "container create calico-node", "container start calico-node",
                        "container kill calico-node", "container die calico-node", "container stop calico-node",
                        "container start calico-node", "container die calico-node", "daemon stop", "daemon start",
                        "container start calico-node");
        assertThat(Files.readAllLines(agent.hostRoot().dockerLog())).first().asString()
                .matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z daemon start");
        assertThat(agent.docker().events()).filteredOn(e -> e.event().equals("create")).extracting(DockerEvent::detail)
                .containsExactly("image=calico/node:v2.6.12");
    }
}
