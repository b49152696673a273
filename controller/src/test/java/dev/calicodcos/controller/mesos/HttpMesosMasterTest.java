package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpMesosMasterTest {
    private static final String SLAVES = new String(Fixtures.reference("slaves-realistic.json"), StandardCharsets.UTF_8);

    private final MockWebServer follower = new MockWebServer();
    private final MockWebServer leader = new MockWebServer();
    private final OkHttpClient client = new OkHttpClient();

    @BeforeEach
    void start() throws IOException {
        follower.start();
        leader.start();
    }

    @AfterEach
    void stop() throws IOException {
        follower.shutdown();
        leader.shutdown();
    }

    @Test
    void listsTheAgentsOfTheMaster() throws InterruptedException {
        follower.enqueue(json(SLAVES));

        assertThat(master(direct(follower)).agents()).hasSize(4);
        RecordedRequest request = follower.takeRequest();
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getPath()).isEqualTo("/master/slaves");
        assertThat(request.getHeader("Accept")).isEqualTo("application/json");
    }

    @Test
    void followsAProtocolRelativeRedirectToTheLeaderAndRemembersIt() throws InterruptedException {
        follower.enqueue(new MockResponse().setResponseCode(307)
                .setHeader("Location", "//" + leader.getHostName() + ":" + leader.getPort() + "/master/slaves"));
        leader.enqueue(json(SLAVES));
        leader.enqueue(json("{\"slaves\": [], \"recovered_slaves\": []}"));
        HttpMesosMaster master = master(direct(follower));

        assertThat(master.agents()).hasSize(4);
        assertThat(master.agents()).isEmpty();

        assertThat(follower.getRequestCount()).isEqualTo(1);
        assertThat(leader.getRequestCount()).isEqualTo(2);
        assertThat(leader.takeRequest().getRequestUrl().scheme()).isEqualTo("http");
    }

    @Test
    void goesBackToTheConfiguredMasterWhenTheRememberedLeaderIsGone() throws IOException {
        follower.enqueue(new MockResponse().setResponseCode(307)
                .setHeader("Location", "//" + leader.getHostName() + ":" + leader.getPort() + "/master/slaves"));
        leader.enqueue(json(SLAVES));
        HttpMesosMaster master = master(direct(follower));
        master.agents();
        leader.shutdown();
        follower.enqueue(json(SLAVES));

        assertThat(master.agents()).hasSize(4);
        assertThat(follower.getRequestCount()).isEqualTo(2);
    }

    @Test
    void givesUpAfterTooManyRedirects() {
        for (int i = 0; i < 20; i++) {
            follower.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", "/master/slaves"));
        }
        MasterClientConfig config = MasterClientConfig.defaults(direct(follower))
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1));

        assertThatThrownBy(() -> new HttpMesosMaster(client, config, new ObjectMapper()).agents())
                .isInstanceOf(MesosException.class)
                .satisfies(e -> assertThat(((MesosException) e).reason()).isEqualTo(MesosException.Reason.REDIRECT_LOOP));
        assertThat(follower.getRequestCount()).isEqualTo(4);   // the request and three redirects
    }

    @Test
    void retriesAServiceUnavailableMasterUntilItAnswers() {
        follower.enqueue(new MockResponse().setResponseCode(503).setBody("No leader elected"));
        follower.enqueue(new MockResponse().setResponseCode(503).setBody("Master has not finished recovery"));
        follower.enqueue(json(SLAVES));

        assertThat(master(direct(follower)).agents()).hasSize(4);
        assertThat(follower.getRequestCount()).isEqualTo(3);
    }

    @Test
    void doesNotRetryARequestTheMasterRejects() {
        follower.enqueue(new MockResponse().setResponseCode(404));
        follower.enqueue(json(SLAVES));

        assertThatThrownBy(() -> master(direct(follower)).agents())
                .isInstanceOf(MesosException.class)
                .satisfies(e -> assertThat(((MesosException) e).reason()).isEqualTo(MesosException.Reason.REJECTED));
        assertThat(follower.getRequestCount()).isEqualTo(1);
    }

    @Test
    void timesOutAMasterThatNeverAnswers() {
        follower.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        follower.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        MasterClientConfig config = MasterClientConfig.defaults(direct(follower))
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(1))
                .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10));
        long start = System.nanoTime();

        assertThatThrownBy(() -> new HttpMesosMaster(client, config, new ObjectMapper()).agents())
                .isInstanceOf(MesosException.class)
                .satisfies(e -> assertThat(((MesosException) e).reason()).isEqualTo(MesosException.Reason.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(follower.getRequestCount()).isEqualTo(2);
    }

    @Test
    void retriesATimeoutAndThenSucceeds() {
        follower.enqueue(new MockResponse().setBody(SLAVES).setHeadersDelay(2, TimeUnit.SECONDS));
        follower.enqueue(json(SLAVES));
        MasterClientConfig config = MasterClientConfig.defaults(direct(follower))
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(1))
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(10));

        assertThat(new HttpMesosMaster(client, config, new ObjectMapper()).agents()).hasSize(4);
    }

    @Test
    void usesTheMesosPrefixBehindAdminRouterAndRetriesInsteadOfFollowingARedirect() throws InterruptedException {
        MasterEndpoint adminRouter = new MasterEndpoint(follower.url("/"), true);
        follower.enqueue(new MockResponse().setResponseCode(307)
                .setHeader("Location", "//" + leader.getHostName() + ":" + leader.getPort() + "/master/slaves"));
        follower.enqueue(json(SLAVES));

        assertThat(master(adminRouter).agents()).hasSize(4);
        assertThat(follower.takeRequest().getPath()).isEqualTo("/mesos/master/slaves");
        assertThat(follower.takeRequest().getPath()).isEqualTo("/mesos/master/slaves");
        assertThat(leader.getRequestCount()).isZero();
    }

    @Test
    void anAgentListLargerThanItsLimitFailsNamingTheEndpointAndTheLimitWithoutRetrying() {
        int size = SLAVES.getBytes(StandardCharsets.UTF_8).length;
        follower.enqueue(json(SLAVES));
        follower.enqueue(json(SLAVES));

        assertThatThrownBy(() -> master(direct(follower), size - 1).agents())
                .isInstanceOf(MesosException.class)
                .hasMessageContaining("GET /master/slaves answered more than " + (size - 1) + " bytes, the limit set for it")
                .satisfies(e -> assertThat(((MesosException) e).reason()).isEqualTo(MesosException.Reason.TOO_LARGE));
        assertThat(follower.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anAgentListWithoutADeclaredLengthIsCountedAsItIsRead() {
        int size = SLAVES.getBytes(StandardCharsets.UTF_8).length;
        follower.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setChunkedBody(SLAVES, 64));
        follower.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setChunkedBody(SLAVES, 64));

        assertThatThrownBy(() -> master(direct(follower), size - 1).agents())
                .satisfies(e -> assertThat(((MesosException) e).reason()).isEqualTo(MesosException.Reason.TOO_LARGE));
        assertThat(master(direct(follower), size).agents()).as("exactly at the limit").hasSize(4);
    }

    @Test
    void theDefaultLimitHoldsTenThousandAgentsOfTheRealisticExample() {
        int perAgent = SLAVES.getBytes(StandardCharsets.UTF_8).length / 4;

        assertThat(MasterClientConfig.DEFAULT_MAX_AGENT_LIST_BYTES).isGreaterThan(3L * 10_000 * perAgent);
    }

    @Test
    void readsTheTasksFromMasterFrameworksOnceWithoutRetrying() throws InterruptedException {
        follower.enqueue(json(MasterFrameworksParserTest.ANSWER));
        follower.enqueue(new MockResponse().setResponseCode(503));
        follower.enqueue(json(MasterFrameworksParserTest.ANSWER));
        HttpMesosMaster master = master(direct(follower));

        assertThat(master.tasks()).hasSize(4);
        assertThat(follower.takeRequest().getPath()).isEqualTo("/master/frameworks");
        assertThatThrownBy(master::tasks).isInstanceOf(MesosException.class).hasMessageStartingWith("HTTP 503 from /master/frameworks");
        assertThat(follower.getRequestCount()).as("a failed lookup is not retried: it is asked again later").isEqualTo(2);
    }

    @Test
    void aTaskListLargerThanItsLimitFailsNamingTheLimit() {
        follower.enqueue(json(MasterFrameworksParserTest.ANSWER));
        MasterClientConfig config = MasterClientConfig.defaults(direct(follower)).withMaxTaskListBytes(1024);

        assertThatThrownBy(() -> new HttpMesosMaster(client, config, new ObjectMapper()).tasks())
                .isInstanceOfSatisfying(MesosException.class, e -> assertThat(e.reason()).isEqualTo(MesosException.Reason.TOO_LARGE))
                .hasMessageStartingWith("GET /master/frameworks answered more than 1024 bytes, the limit set for it");
    }

    @Test
    void resolvesRedirectLocations() {
        HttpUrl from = HttpUrl.get("https://10.0.4.21:5050/api/v1/scheduler");

        assertThat(LeaderFollowingHttp.resolve(from, "//10.0.4.22:5050/api/v1/scheduler"))
                .isEqualTo(HttpUrl.get("https://10.0.4.22:5050/api/v1/scheduler"));
        assertThat(LeaderFollowingHttp.resolve(from, "//10.0.4.22:5050/master/slaves?slave_id=X").query())
                .isEqualTo("slave_id=X");
        assertThat(LeaderFollowingHttp.resolve(from, "http://10.0.4.23:5050/x").host()).isEqualTo("10.0.4.23");
    }

    private HttpMesosMaster master(MasterEndpoint endpoint) {
        MasterClientConfig config = MasterClientConfig.defaults(endpoint)
                .withRetries(5, Duration.ofMillis(5), Duration.ofMillis(20));
        return new HttpMesosMaster(client, config, new ObjectMapper());
    }

    private HttpMesosMaster master(MasterEndpoint endpoint, long maxAgentListBytes) {
        MasterClientConfig config = MasterClientConfig.defaults(endpoint)
                .withRetries(5, Duration.ofMillis(5), Duration.ofMillis(20)).withMaxAgentListBytes(maxAgentListBytes);
        return new HttpMesosMaster(client, config, new ObjectMapper());
    }

    private static MasterEndpoint direct(MockWebServer server) {
        return new MasterEndpoint(server.url("/"), false);
    }

    private static MockResponse json(String body) {
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
    }
}
