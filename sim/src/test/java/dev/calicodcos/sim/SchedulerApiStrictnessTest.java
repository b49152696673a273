package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Raw HTTP against the scheduler endpoint: every refusal the reference lists, with the master's status code. */
@Tag("integration")
class SchedulerApiStrictnessTest {
    private static final String SUBSCRIBE = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"root\",\"name\":\"t\"}}}";
    private static SimulatedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofMillis(300)).allocationInterval(Duration.ofMillis(100)).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(cluster.masterUrl().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return TestScheduler.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unknownFieldIsRejectedWith400() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json",
                "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"root\",\"name\":\"t\",\"role\":\"*\",\"rolez\":[\"a\"]}}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("rolez");
    }

    @Test
    void camelCaseFieldNameIsRejectedWith400() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json",
                "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"frameworkInfo\":{\"user\":\"root\",\"name\":\"t\"}}}");

        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void missingRequiredFieldIsRejectedWith400() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json",
                "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"name\":\"no user\"}}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Missing required fields").contains("user");
    }

    @Test
    void contentTypeWithCharsetIsRejectedWith415() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json; charset=utf-8", SUBSCRIBE);

        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void missingContentTypeIsRejectedWith400() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", null, SUBSCRIBE);

        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void getIsRejectedWith405() throws Exception {
        HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/api/v1/scheduler"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
    }

    @Test
    void subscribeWithoutSubscribeObjectIsRejectedWith400() throws Exception {
        String body = Files.readString(Path.of(System.getProperty("calico.dcos.sharedDir"),
                "fixtures/mesos/scheduler-subscribe-call-master-detection-example-INVALID.json"));

        HttpResponse<String> r = post("/api/v1/scheduler", "application/json", body);

        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void subscribeCarryingAStreamIdIsRejectedWith400() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json", SUBSCRIBE, "Mesos-Stream-Id", "x");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Mesos-Stream-Id");
    }

    @Test
    void subscribeAcceptingOnlyTextIsRejectedWith406() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json", SUBSCRIBE, "Accept", "text/plain");

        assertThat(r.statusCode()).isEqualTo(406);
    }

    @Test
    void callForAnUnknownFrameworkIsRejectedWith400() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json",
                "{\"framework_id\":{\"value\":\"nope\"},\"type\":\"REVIVE\"}", "Mesos-Stream-Id", "x");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Framework cannot be found");
    }

    @Test
    void callWithoutPayloadObjectIsRejectedWith400() throws Exception {
        HttpResponse<String> r = post("/api/v1/scheduler", "application/json",
                "{\"framework_id\":{\"value\":\"x\"},\"type\":\"ACCEPT\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Expecting 'accept' to be present");
    }

    @Test
    void missingOrStaleStreamIdIsRejectedWith400AndTheCurrentOneIsAccepted() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("r").build());
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.frameworkId != null);
            String revive = "{\"framework_id\":{\"value\":\"" + scheduler.frameworkId.getValue() + "\"},\"type\":\"REVIVE\"}";

            HttpResponse<String> missing = post("/api/v1/scheduler", "application/json", revive);
            HttpResponse<String> stale = post("/api/v1/scheduler", "application/json", revive, "Mesos-Stream-Id", "stale");
            HttpResponse<String> current = post("/api/v1/scheduler", "application/json", revive,
                    "Mesos-Stream-Id", scheduler.streamId);

            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(stale.statusCode()).isEqualTo(400);
            assertThat(current.statusCode()).isEqualTo(202);
        }
    }

    @Test
    void acknowledgeWhoseUuidIsNotSixteenBytesIsRejectedWith400() throws Exception {
        String body = Files.readString(Path.of(System.getProperty("calico.dcos.sharedDir"),
                "fixtures/mesos/scheduler-acknowledge-call.json"));

        HttpResponse<String> r = post("/api/v1/scheduler", "application/json", body, "Mesos-Stream-Id", "x");

        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void subscribeStreamsRecordIoWithStreamIdThenSubscribedThenHeartbeats() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("r").build());

            assertThat(scheduler.subscribeStatus).isEqualTo(200);
            assertThat(scheduler.streamId).matches("[0-9a-f-]{36}");
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.events(Event.Type.HEARTBEAT).size() >= 3);
            assertThat(scheduler.events.get(0).getType()).isEqualTo(Event.Type.SUBSCRIBED);
            assertThat(scheduler.events.get(1).getType()).isEqualTo(Event.Type.HEARTBEAT);
            assertThat(scheduler.events.get(0).getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(0.3);
        }
    }

    @Test
    @SuppressWarnings("deprecation")   // FrameworkInfo.role: the deprecated field is the point of this test
    void roleWithMultiRoleCapabilityIsRefusedWithAnErrorEvent() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole().setRole("slave_public").build());

            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.ended);
            assertThat(scheduler.events).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo(Event.Type.ERROR);
                assertThat(e.getError().getMessage()).contains("'FrameworkInfo.role' must not be set");
            });
        }
    }

    @Test
    void unknownCallTypeGets501() throws Exception {
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl())) {
            scheduler.subscribe(TestScheduler.multiRole("r").build());
            await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.frameworkId != null);

            HttpResponse<String> r = scheduler.call(Call.newBuilder().setType(Call.Type.UNKNOWN));

            assertThat(r.statusCode()).isEqualTo(501);
        }
    }
}
