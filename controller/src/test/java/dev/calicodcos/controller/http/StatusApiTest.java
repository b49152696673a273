package dev.calicodcos.controller.http;

import static dev.calicodcos.controller.http.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/status} and {@code /api/v1/agents} over HTTP, served from a status of 1,200 agents. */
class StatusApiTest {
    private static final ObjectMapper JSON = new SpecCodec().json();
    private final HttpClient client = HttpClient.newHttpClient();
    private ClusterStatus status;
    private ControllerHttpServer server;
    private List<String> notReady = List.of();

    @BeforeEach
    void serve() throws IOException {
        List<AgentStatus> rows = new ArrayList<>();
        IntStream.range(0, 1_200).forEach(i -> rows.add(row("agent-%04d".formatted(i), i % 100 == 0 ? AgentPhase.FAILED : AgentPhase.READY)));
        status = Rows.status(rows);
        server = new ControllerHttpServer(new InetSocketAddress("127.0.0.1", 0), "default", () -> status, List::of, () -> notReady,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), JSON, List.of());
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everythingServedIsReadOnly() throws Exception {
        for (String path : List.of("/", "/readyz", "/healthz", "/metrics", "/api/v1/status", "/api/v1/agents", "/api/v1/timeline",
                "/artifacts/calico-dcos.jar")) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(answer.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(answer.headers().firstValue("Allow")).contains("GET, HEAD");
            }
        }
    }

    @Test
    void readyzSaysWhyTheControllerIsNotReady() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        notReady = List.of("etcd alarm NOSPACE on member 8e9e05c52164694d: etcd refuses every write");
        HttpResponse<String> answer = get("/readyz");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).isEqualTo("not ready: etcd alarm NOSPACE on member 8e9e05c52164694d: etcd refuses every write\n");
    }

    @Test
    void theStatusIsTheSummaryWithoutRows() throws Exception {
        HttpResponse<String> answer = get("/api/v1/status");

        assertThat(answer.statusCode()).isEqualTo(200);
        ClusterStatus summary = JSON.readValue(answer.body(), ClusterStatus.class);
        assertThat(summary.agents()).isEmpty();
        assertThat(summary.agentCounts()).containsEntry(AgentPhase.READY, 1_188).containsEntry(AgentPhase.FAILED, 12);
        assertThat(answer.body().length()).isLessThan(2_000);
    }

    @Test
    void theAgentsComeAPageAtATimeFailedFirstUntilTheTokenRunsOut() throws Exception {
        List<String> ids = new ArrayList<>();
        String path = "/api/v1/agents";
        List<Integer> sizes = new ArrayList<>();
        while (path != null) {
            JsonNode page = JSON.readTree(get(path).body());
            assertThat(page.path("matching").asInt()).isEqualTo(1_200);
            assertThat(page.has("continue")).as("continue is always there, null on the last page").isTrue();
            page.path("items").forEach(item -> ids.add(item.path("agentId").asText()));
            sizes.add(page.path("items").size());
            path = page.path("continue").isNull() ? null
                    : "/api/v1/agents?continue=" + URLEncoder.encode(page.path("continue").asText(), StandardCharsets.UTF_8);
        }

        assertThat(sizes).containsExactly(AgentQuery.DEFAULT_LIMIT, AgentQuery.DEFAULT_LIMIT, 200);
        assertThat(ids).doesNotHaveDuplicates().hasSize(1_200);
        assertThat(ids.subList(0, 12)).allSatisfy(id -> assertThat(status.agents().get(id).phase()).isEqualTo(AgentPhase.FAILED));
        assertThat(ids.get(0)).isEqualTo("agent-0000");
    }

    @Test
    void aFilteredPageSaysHowManyMatch() throws Exception {
        JsonNode page = JSON.readTree(get("/api/v1/agents?phase=failed&step=cni&limit=5").body());

        assertThat(page.path("matching").asInt()).isEqualTo(12);
        assertThat(page.path("items")).hasSize(5);
        assertThat(page.path("items").get(0).path("steps").path("cni").path("phase").asText()).isEqualTo("APPLYING");
        assertThat(page.path("continue").isTextual()).isTrue();
    }

    @Test
    void aBadParameterIsA400WithOneLineOfJsonNamingIt() throws Exception {
        HttpResponse<String> answer = get("/api/v1/agents?limit=5000");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body().strip()).doesNotContain("\n");
        JsonNode error = JSON.readTree(answer.body());
        assertThat(error.path("parameter").asText()).isEqualTo("limit");
        assertThat(error.path("error").asText()).isEqualTo("limit: 5000 is out of range (1 to 1000)");
    }

    @Test
    void oneAgentsRowIsAtItsIdAndAnUnknownIdIsNotFound() throws Exception {
        HttpResponse<String> one = get("/api/v1/agents/agent-0042");
        HttpResponse<String> none = get("/api/v1/agents/agent-9999");

        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JSON.readValue(one.body(), AgentStatus.class)).isEqualTo(status.agents().get("agent-0042"));
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(none.body()).path("error").asText()).contains("agent-9999");
        assertThat(get("/api/v1/agentsfoo").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
