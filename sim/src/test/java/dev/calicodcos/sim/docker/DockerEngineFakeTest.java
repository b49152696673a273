package dev.calicodcos.sim.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.HostRoot;
import dev.calicodcos.testkit.MovableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker fake on its own (no simulated cluster, no process): registry pulls, image IDs, the crash loop on a
 * clock the test moves, what running containers serve on the host (Felix's health port, BIRD's socket, the
 * libnetwork plugin's sockets, read with real TCP and Unix socket clients), rename and update, live-restore and
 * the injected faults.
 */
class DockerEngineFakeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String HOST = "10.0.1.21";

    @TempDir
    Path dir;
    private final MovableClock clock = MovableClock.at(Instant.parse("2024-01-01T10:00:00Z"));
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final String loopback = "127." + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current()
            .nextInt(0, 256) + "." + ThreadLocalRandom.current().nextInt(1, 255);
    private HostRoot root;
    private DockerEngineFake docker;

    @BeforeEach
    void start() {
        root = HostRoot.create(dir.resolve("root"), AgentSpec.privateAgent(HOST));
        docker = new DockerEngineFake(AgentSpec.privateAgent(HOST), root, loopback, Registry.standard(), clock, executor,
                List.of("busybox", "calico/node:v2.6.12"));
        assertThat(docker.start()).isEmpty();
    }

    @AfterEach
    void stop() {
        docker.close();
        executor.shutdownNow();
    }

    // ------------------------------------------------------------ registry and images

    @Test
    void pullsOnlyWhatTheRegistryHasAndRefusesTheRestAsDocker() throws Exception {
        HttpResponse<String> known = post("/v1.39/images/create?fromImage=calico%2Fnode&tag=v2.6.11", "");
        HttpResponse<String> unknownRepository = post("/images/create?fromImage=calico%2Fnope%3Av1", "");
        HttpResponse<String> unknownTag = post("/images/create?fromImage=calico%2Fnode%3Av9", "");

        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(known.body()).contains("Status: Downloaded newer image for calico/node:v2.6.11");
        assertThat(get("/images/calico/node:v2.6.11/json").statusCode()).isEqualTo(200);
        assertThat(unknownRepository.statusCode()).isEqualTo(404);
        assertThat(message(unknownRepository)).isEqualTo("pull access denied for calico/nope, repository does not exist or may"
                + " require 'docker login': denied: requested access to the resource is denied");
        assertThat(unknownTag.statusCode()).isEqualTo(404);
        assertThat(message(unknownTag)).isEqualTo("manifest for calico/node:v9 not found: manifest unknown: manifest unknown");
        assertThat(get("/images/calico/node:v9/json").statusCode()).isEqualTo(404);
    }

    @Test
    void anImageShowsItsIdAndRepoDigestAndPullsPinnedToThatDigest() throws Exception {
        KnownImage node = Registry.standard().image("calico/node:v2.6.11").orElseThrow();
        assertThat(post("/images/create?fromImage=calico%2Fnode%40" + node.digest(), "").statusCode()).isEqualTo(200);

        JsonNode byDigest = json(get("/images/calico/node@" + node.digest() + "/json"));
        JsonNode preloaded = json(get("/images/calico/node:v2.6.12/json"));

        assertThat(byDigest.get("Id").asText()).isEqualTo(node.id());
        assertThat(byDigest.get("RepoDigests")).containsExactly(JSON.valueToTree("calico/node@" + node.digest()));
        assertThat(byDigest.get("RepoTags")).isEmpty();
        assertThat(preloaded.get("Id").asText()).isEqualTo(Registry.standard().image("calico/node:v2.6.12").orElseThrow().id())
                .isNotEqualTo(node.id());
        assertThat(preloaded.get("RepoDigests").get(0).asText()).startsWith("calico/node@sha256:");
    }

    @Test
    void aContainerCreatedByImageIdShowsThatIdAsImageAndTheReferenceAsCreated() throws Exception {
        String imageId = Registry.standard().image("busybox:latest").orElseThrow().id();

        String full = create("by-id", JSON.createObjectNode().put("Image", imageId));
        String shortId = create("by-short-id", JSON.createObjectNode().put("Image", imageId.substring(7, 19)));
        String byName = create("by-name", JSON.createObjectNode().put("Image", "busybox"));

        for (String id : List.of(full, shortId, byName)) {
            assertThat(inspect(id).get("Image").asText()).isEqualTo(imageId);
        }
        assertThat(inspect(shortId).at("/Config/Image").asText()).isEqualTo(imageId.substring(7, 19));
        assertThat(inspect(byName).at("/Config/Image").asText()).isEqualTo("busybox");
        assertThat(post("/containers/create?name=missing", "{\"Image\":\"calico/node:v2.6.11\"}").statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------ crash loop

    @Test
    void aCrashLoopingContainerRestartsWithDockersBackoffAndIsNeverUpForLong() throws Exception {
        pull("calico/node:v2.6.12-sim-crash-loop");
        String id = create("calico-node", node("calico/node:v2.6.12-sim-crash-loop"));
        startContainer(id);

        JsonNode first = inspect(id);
        clock.advance(Duration.ofMillis(100));
        JsonNode afterOneRestart = inspect(id);
        clock.advance(Duration.ofMillis(1_400));
        JsonNode afterFour = inspect(id);

        assertThat(first.at("/State/Status").asText()).isEqualTo("restarting");
        assertThat(first.at("/State/Restarting").asBoolean()).isTrue();
        assertThat(first.at("/State/Running").asBoolean()).isTrue();         // Docker counts a restarting container as running
        assertThat(first.at("/State/Pid").asInt()).isZero();
        assertThat(first.at("/State/ExitCode").asInt()).isEqualTo(1);
        assertThat(first.get("RestartCount").asInt()).isZero();
        assertThat(afterOneRestart.get("RestartCount").asInt()).isEqualTo(1);
        assertThat(afterOneRestart.at("/State/StartedAt").asText()).isEqualTo("2024-01-01T10:00:00.100Z");
        assertThat(afterFour.get("RestartCount").asInt()).isEqualTo(4);       // at 0.1, 0.3, 0.7 and 1.5 s
        assertThat(afterFour.at("/State/Status").asText()).isEqualTo("restarting");
        assertThat(docker.startCount("calico-node")).isEqualTo(5);
        assertThat(docker.events()).filteredOn(e -> e.event().equals("die"))
                .allSatisfy(e -> assertThat(e.detail()).isEqualTo("exitCode=1")).hasSize(5);
    }

    @Test
    void aCrashLoopStopsAfterThePendingRestartOncePolicyIsNoAndStopEndsItAtOnce() throws Exception {
        pull("calico/node:v2.6.12-sim-crash-loop");
        String looping = create("calico-node", node("calico/node:v2.6.12-sim-crash-loop"));
        startContainer(looping);

        HttpResponse<String> update = post("/containers/" + looping + "/update", "{\"RestartPolicy\":{\"Name\":\"no\"}}");
        clock.advance(Duration.ofSeconds(10));
        JsonNode afterUpdate = inspect(looping);
        startContainer(looping);
        JsonNode startedAgain = inspect(looping);

        assertThat(update.statusCode()).isEqualTo(200);
        assertThat(json(update).get("Warnings")).isEmpty();
        assertThat(afterUpdate.at("/State/Status").asText()).isEqualTo("exited");
        assertThat(afterUpdate.at("/State/Running").asBoolean()).isFalse();
        assertThat(afterUpdate.get("RestartCount").asInt()).isEqualTo(1);
        assertThat(afterUpdate.at("/HostConfig/RestartPolicy/Name").asText()).isEqualTo("no");
        assertThat(startedAgain.at("/State/Status").asText()).isEqualTo("exited");
        assertThat(startedAgain.at("/State/ExitCode").asInt()).isEqualTo(1);

        post("/containers/" + looping + "/update", "{\"RestartPolicy\":{\"Name\":\"always\"}}");
        startContainer(looping);
        assertThat(post("/containers/" + looping + "/stop", "").statusCode()).isEqualTo(204);
        clock.advance(Duration.ofSeconds(10));
        assertThat(inspect(looping).at("/State/Status").asText()).isEqualTo("exited");
        assertThat(inspect(looping).get("RestartCount").asInt()).isZero();
    }

    // ------------------------------------------------------------ what containers serve on the host

    @Test
    void felixHealthAnswersOnTheAgentLoopbackWhileCalicoNodeRunsAndNoLonger() throws Exception {
        String id = create("calico-node", node("calico/node:v2.6.12", "FELIX_HEALTHENABLED=true", "FELIX_HEALTHPORT=9199"));
        assertThatThrownBy(() -> felix(9199, "/readiness")).isInstanceOf(ConnectException.class);
        startContainer(id);

        assertThat(felix(9199, "/readiness").statusCode()).isEqualTo(204);
        assertThat(felix(9199, "/liveness").statusCode()).isEqualTo(204);
        assertThat(felix(9199, "/liveness").body()).isEmpty();

        post("/containers/" + id + "/stop", "");
        assertThatThrownBy(() -> felix(9199, "/readiness")).isInstanceOf(ConnectException.class);
        startContainer(id);
        assertThat(felix(9199, "/readiness").statusCode()).isEqualTo(204);
        docker.stop();
        assertThatThrownBy(() -> felix(9199, "/readiness")).isInstanceOf(ConnectException.class);
    }

    @Test
    void aNeverReadyNodeIsLiveButNotReadyAndStartsNoBird() throws Exception {
        pull("calico/node:v2.6.12-sim-never-ready");
        startContainer(create("calico-node", node("calico/node:v2.6.12-sim-never-ready", "FELIX_HEALTHENABLED=true")));

        assertThat(felix(9099, "/readiness").statusCode()).isEqualTo(503);
        assertThat(felix(9099, "/liveness").statusCode()).isEqualTo(204);
        assertThat(birdSocket()).doesNotExist();
    }

    @Test
    void aCrashLoopingNodeAnswersNothing() throws Exception {
        pull("calico/node:v2.6.12-sim-crash-loop");
        startContainer(create("calico-node", node("calico/node:v2.6.12-sim-crash-loop", "FELIX_HEALTHENABLED=true")));

        assertThatThrownBy(() -> felix(9099, "/liveness")).isInstanceOf(ConnectException.class);
        assertThat(birdSocket()).doesNotExist();
    }

    @Test
    void birdsControlSocketGreetsEveryConnectionAndGoesAwayWithTheContainer() throws Exception {
        String id = create("calico-node", node("calico/node:v2.6.12"));
        startContainer(id);

        assertThat(unix(birdSocket(), "")).isEqualTo("0001 BIRD 1.6.3 ready.\n");
        assertThat(unix(birdSocket(), "show status\n")).startsWith("0001 BIRD 1.6.3 ready.\n");

        post("/containers/" + id + "/kill", "");
        assertThat(birdSocket()).doesNotExist();
    }

    @Test
    void theLibnetworkPluginAnswersActivateOnBothSocketsWhileItRuns() throws Exception {
        pull("calico/libnetwork-plugin:v1.1.3");
        String id = create("calico-libnetwork", libnetwork());
        startContainer(id);
        Path plugins = root.root().resolve("run/docker/plugins");

        String network = unix(plugins.resolve("calico.sock"), "POST /Plugin.Activate HTTP/1.1\r\nHost: plugin\r\n"
                + "Accept: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: 0\r\n\r\n");
        String ipam = unix(plugins.resolve("calico-ipam.sock"), "POST /Plugin.Activate HTTP/1.1\r\nHost: plugin\r\n"
                + "Content-Length: 2\r\n\r\n{}");

        assertThat(network).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\nContent-Type: application/vnd.docker.plugins.v1.1+json\r\n")
                .endsWith("\r\n\r\n{\"Implements\": [\"NetworkDriver\"]}\n");
        assertThat(ipam).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n{\"Implements\": [\"IpamDriver\"]}\n");
        post("/containers/" + id + "/stop", "");
        assertThat(plugins.resolve("calico.sock")).doesNotExist();
        assertThat(plugins.resolve("calico-ipam.sock")).doesNotExist();
    }

    @Test
    void aSocketPathTooLongForLinuxFailsTheStartNamingIt() throws Exception {
        HostRoot deep = HostRoot.create(dir.resolve("d".repeat(90)), AgentSpec.privateAgent(HOST));
        try (DockerEngineFake deepDocker = new DockerEngineFake(AgentSpec.privateAgent(HOST), deep, loopback, Registry.standard(),
                clock, executor, List.of("calico/libnetwork-plugin:v1.1.3"))) {
            deepDocker.start();
            String base = deepDocker.dockerHost().replace("tcp://", "http://");
            String id = json(send(HttpRequest.newBuilder(URI.create(base + "/containers/create?name=lib"))
                    .POST(HttpRequest.BodyPublishers.ofString(libnetwork().toString())))).get("Id").asText();

            HttpResponse<String> start = send(HttpRequest.newBuilder(URI.create(base + "/containers/" + id + "/start"))
                    .POST(HttpRequest.BodyPublishers.noBody()));

            assertThat(start.statusCode()).isEqualTo(500);
            assertThat(message(start)).contains("/run/docker/plugins/calico.sock is").contains("sockaddr_un");
        }
    }

    // ------------------------------------------------------------ API additions, daemon config, faults

    @Test
    void renameRefusesANameInUseOrUnchanged() throws Exception {
        String a = create("calico-node", JSON.createObjectNode().put("Image", "busybox"));
        create("calico-node-old", JSON.createObjectNode().put("Image", "busybox"));

        assertThat(post("/containers/" + a + "/rename?name=calico-node-old", "").statusCode()).isEqualTo(409);
        assertThat(post("/containers/calico-node/rename?name=calico-node", "").statusCode()).isEqualTo(400);
        assertThat(post("/containers/calico-node/rename?name=calico-node-new", "").statusCode()).isEqualTo(204);
        assertThat(inspect(a).get("Name").asText()).isEqualTo("/calico-node-new");
        assertThat(get("/containers/calico-node/json").statusCode()).isEqualTo(404);
    }

    @Test
    void liveRestoreIsReportedFromDaemonJsonAndKeepsContainersServingOverADaemonRestart() throws Exception {
        assertThat(json(get("/info")).get("LiveRestoreEnabled").asBoolean()).isFalse();
        Files.writeString(root.daemonJson(), "{\"live-restore\": true}");
        assertThat(docker.reload()).isEmpty();
        String id = create("calico-node", node("calico/node:v2.6.12"));
        startContainer(id);

        assertThat(json(get("/info")).get("LiveRestoreEnabled").asBoolean()).isTrue();
        docker.stop();
        assertThat(unix(birdSocket(), "")).startsWith("0001 BIRD");
        assertThat(docker.start()).isEmpty();
        assertThat(inspect(id).at("/State/Running").asBoolean()).isTrue();
        assertThat(docker.startCount("calico-node")).isEqualTo(1);
    }

    @Test
    void aRefusedConfigKeyFailsStartAndReloadUntilTheRefusalIsLifted() throws Exception {
        Files.writeString(root.daemonJson(), "{\"live-restore\": true}");
        docker.refuseConfig("live-restore", "invalid configuration: live-restore is not supported here");

        assertThat(docker.reload()).hasValue("invalid configuration: live-restore is not supported here");
        assertThat(json(get("/info")).get("LiveRestoreEnabled").asBoolean()).isFalse();
        assertThat(docker.restart()).hasValue("invalid configuration: live-restore is not supported here");
        assertThat(docker.state()).isEqualTo(DockerEngineFake.DaemonState.FAILED);
        assertThat(docker.lastFailure()).isEqualTo("invalid configuration: live-restore is not supported here");

        docker.acceptConfig();
        assertThat(docker.start()).isEmpty();
        assertThat(json(get("/info")).get("LiveRestoreEnabled").asBoolean()).isTrue();
    }

    @Test
    void anUnreachableRegistryFailsEveryPullWith500UntilItIsBack() throws Exception {
        docker.failPulls(true);
        HttpResponse<String> failed = post("/images/create?fromImage=calico%2Fnode&tag=v2.6.11", "");
        docker.failPulls(false);

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(message(failed)).isEqualTo("Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host");
        assertThat(post("/images/create?fromImage=calico%2Fnode&tag=v2.6.11", "").statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------ helpers

    /** calico/node as the node agent creates it, with extra environment. */
    private ObjectNode node(String image, String... env) {
        ObjectNode body = JSON.createObjectNode().put("Image", image);
        ArrayNode e = body.putArray("Env").add("NODENAME=" + HOST).add("ETCD_ENDPOINTS=http://127.0.0.1:2379");
        for (String v : env) {
            e.add(v);
        }
        ObjectNode host = body.putObject("HostConfig").put("NetworkMode", "host").put("Privileged", true);
        host.putArray("Binds").add("/var/log/calico:/var/log/calico").add("/var/run/calico:/var/run/calico")
                .add("/lib/modules:/lib/modules").add("/run:/run");
        host.putObject("RestartPolicy").put("Name", "always");
        return body;
    }

    private static ObjectNode libnetwork() {
        ObjectNode body = JSON.createObjectNode().put("Image", "calico/libnetwork-plugin:v1.1.3");
        body.putArray("Env").add("ETCD_ENDPOINTS=http://127.0.0.1:2379");
        ObjectNode host = body.putObject("HostConfig").put("NetworkMode", "host").put("Privileged", true);
        host.putArray("Binds").add("/run/docker/plugins:/run/docker/plugins").add("/var/run/docker.sock:/var/run/docker.sock");
        host.putObject("RestartPolicy").put("Name", "always");
        return body;
    }

    private Path birdSocket() {
        return root.root().resolve("var/run/calico/bird.ctl");
    }

    private void pull(String reference) throws Exception {
        int colon = reference.lastIndexOf(':');
        assertThat(post("/images/create?fromImage=" + reference.substring(0, colon) + "&tag=" + reference.substring(colon + 1), "")
                .statusCode()).isEqualTo(200);
    }

    private String create(String name, ObjectNode body) throws Exception {
        HttpResponse<String> created = post("/containers/create?name=" + name, body.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("Id").asText();
    }

    private void startContainer(String id) throws Exception {
        HttpResponse<String> started = post("/containers/" + id + "/start", "");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(204);
    }

    private JsonNode inspect(String id) throws Exception {
        return json(get("/containers/" + id + "/json"));
    }

    private HttpResponse<String> felix(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + loopback + ":" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Writes {@code request} on a Unix domain socket and reads until the other side closes. */
    private static String unix(Path socket, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(docker.dockerHost().replace("tcp://", "http://") + path)));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(docker.dockerHost().replace("tcp://", "http://") + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static String message(HttpResponse<String> response) throws IOException {
        return json(response).get("message").asText();
    }
}
