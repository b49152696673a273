package dev.calicodcos.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.Controller;
import dev.calicodcos.controller.fleet.NodeAgentFleet;
import dev.calicodcos.controller.plan.AgentView;
import dev.calicodcos.controller.store.ClusterDocuments;
import dev.calicodcos.controller.store.ClusterStore;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.StoreException;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.Etcdctl;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * etcd out of space (its NOSPACE alarm refuses every write): the controller says so at /readyz and
 * in the status it serves, loses nothing, and goes on once the operator frees space as the
 * operations guide says (compact, defragment, disarm).
 */
@Tag("integration")
class EtcdNoSpaceTest {
    private static final long QUOTA = 1024 * 1024;

    private final SpecCodec codec = new SpecCodec();
    private final ClusterKeys keys = new ClusterKeys("/nospace", "default");
    private final HttpClient http = HttpClient.newHttpClient();
    private EtcdServer etcd;
    private KvStore kv;
    private ScriptedNodeAgents nodeAgents;
    private Controller controller;

    @BeforeEach
    void start() {
        etcd = EtcdServer.withQuota(QUOTA);
        kv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5));
        nodeAgents = new ScriptedNodeAgents(kv, keys).start();
        List<AgentView> agents = IntStream.rangeClosed(1, 3)
                .mapToObj(i -> new AgentView("agent-" + i, "host-" + i, Set.of("*"), Map.of(), true)).toList();
        controller = Controller.start(new Controller.Settings(keys, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(30),
                        Duration.ofSeconds(2), "nospace", new InetSocketAddress("127.0.0.1", 0), List.of()),
                EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), () -> agents, (store, leadership, registry) -> NodeAgentFleet.NONE,
                Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @AfterEach
    void stop() {
        controller.close();
        nodeAgents.close();
        kv.close();
        etcd.close();
    }

    @Test
    void aFullEtcdMakesTheControllerNotReadyAndSayWhyAndNothingIsLostOnceSpaceIsFreed() throws Exception {
        put(keys.spec(), Specs.MINIMAL_YAML);
        await().atMost(Duration.ofSeconds(60)).until(() -> status().isTrue(Condition.READY));
        assertThat(readyz().statusCode()).isEqualTo(200);
        ClusterStatus before = status();

        fillUntilNoSpace();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> ready = readyz();
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).startsWith("not ready: etcd alarm NOSPACE on member ");
        });
        ClusterStatus served = codec.json().readValue(get("/api/v1/status").body(), ClusterStatus.class);
        assertThat(served.condition(Condition.CONTROLLER_READY)).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo("False");
            assertThat(c.reason()).isEqualTo("EtcdAlarm");
            assertThat(c.message()).contains("NOSPACE", "refuses every write");
        });
        assertThatThrownBy(() -> put(keys.spec(), Specs.withSpec("rollout: {maxConcurrentRestarts: 2}\n")))
                .as("a new spec cannot be stored meanwhile").isInstanceOf(StoreException.class);

        freeSpaceAsTheGuideSays();

        await().atMost(Duration.ofSeconds(10)).until(() -> readyz().statusCode() == 200);
        assertThat(kv.get(keys.spec()).map(v -> new String(v.value(), StandardCharsets.UTF_8))).as("the spec is intact")
                .hasValue(Specs.MINIMAL_YAML);
        put(keys.spec(), Specs.withSpec("rollout: {maxConcurrentRestarts: 2}\n"));
        await().atMost(Duration.ofSeconds(60)).until(() -> status().appliedGeneration() > before.appliedGeneration()
                && status().isTrue(Condition.READY) && status().isTrue(Condition.CONTROLLER_READY));
        assertThat(status().agentCounts()).isEqualTo(before.agentCounts());
    }

    /** Big values under a key of no interest, until etcd refuses one: the alarm is raised. */
    private void fillUntilNoSpace() {
        byte[] filler = new byte[200 * 1024];
        new Random(7).nextBytes(filler);
        for (int i = 0; i < 50; i++) {
            try {
                kv.putIfUnchanged("/filler/" + i, filler, 0);
            } catch (StoreException e) {
                assertThat(kv.alarms()).singleElement().asString().startsWith("NOSPACE");
                return;
            }
        }
        throw new AssertionError("etcd took 10 MB past a 1 MB quota");
    }

    /** docs/operations.md, failure modes: delete what filled it, compact, defragment, disarm. */
    private void freeSpaceAsTheGuideSays() {
        etcdctl("del", "--prefix", "/filler/");
        etcdctl("compact", Long.toString(kv.revision()));
        etcdctl("defrag");
        etcdctl("alarm", "disarm");
        assertThat(kv.alarms()).isEmpty();
    }

    private void etcdctl(String... args) {
        new Etcdctl(List.of("--endpoints", etcd.endpoint())).run(args);
    }

    private void put(String key, String value) {
        long current = kv.get(key).map(v -> v.modRevision()).orElse(0L);
        assertThat(kv.putIfUnchanged(key, value.getBytes(StandardCharsets.UTF_8), current)).isPresent();
    }

    private ClusterStatus status() {
        return new ClusterStore(kv, new ClusterDocuments(keys, codec)).status().orElse(ClusterStatus.empty());
    }

    private HttpResponse<String> readyz() throws IOException, InterruptedException {
        return get("/readyz");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
