package dev.calicodcos.reconcilers.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.model.agent.AgentFacts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe against an in-process HTTP server answering as a Mesos agent's {@code /metrics/snapshot}. */
class HttpMesosAgentProbeTest {
    private static final AgentFacts ON_LOCALHOST = facts(Optional.of("127.0.0.1"));

    private HttpServer server;

    private static AgentFacts facts(Optional<String> ip) {
        return new AgentFacts("agent-1", ip, Optional.empty(), Optional.of("1.0.1"), Optional.empty(), false, false);
    }

    private HttpMesosAgentProbe agentAnswering(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics/snapshot", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return new HttpMesosAgentProbe("127.0.0.1", server.getAddress().getPort(), Duration.ofSeconds(2));
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anAgentReportingSlaveRegisteredOneIsRegistered() throws IOException {
        HttpMesosAgentProbe probe = agentAnswering(200, "{\"slave/uptime_secs\": 12.5, \"slave/registered\": 1.0}");

        assertThat(probe.notRegistered(ON_LOCALHOST)).isEmpty();
    }

    @Test
    void anAgentReportingZeroIsNotRegistered() throws IOException {
        HttpMesosAgentProbe probe = agentAnswering(200, "{\"slave/registered\": 0.0}");

        assertThat(probe.notRegistered(ON_LOCALHOST)).get().asString()
                .matches("the Mesos agent at 127.0.0.1:\\d+ reports slave/registered 0.0: not registered with a master");
    }

    @Test
    void anAgentWithoutTheGaugeYetIsNotRegistered() throws IOException {
        HttpMesosAgentProbe probe = agentAnswering(200, "{\"system/load_1min\": 0.1}");

        assertThat(probe.notRegistered(ON_LOCALHOST)).get().asString().endsWith("does not report slave/registered (still starting?)");
    }

    @Test
    void anAgentDemandingCredentialsIsNotTakenAsRegistered() throws IOException {
        HttpMesosAgentProbe probe = agentAnswering(401, "");

        assertThat(probe.notRegistered(ON_LOCALHOST)).get().asString().endsWith("answered HTTP 401 to GET /metrics/snapshot");
    }

    @Test
    void nothingListeningIsNotRegistered() throws IOException {
        agentAnswering(200, "{}");
        int port = server.getAddress().getPort();
        server.stop(0);
        server = null;

        HttpMesosAgentProbe probe = new HttpMesosAgentProbe("127.0.0.1", port, Duration.ofSeconds(2));

        assertThat(probe.notRegistered(ON_LOCALHOST)).get().asString().contains("does not answer");
    }

    @Test
    void withoutADetectedIpTheAgentCannotBeAsked() {
        HttpMesosAgentProbe probe = new HttpMesosAgentProbe("127.0.0.1", Duration.ofSeconds(2));

        assertThat(probe.notRegistered(facts(Optional.empty()))).contains("the Mesos agent's address is unknown (detect_ip gave none)");
    }

    @Test
    void theAgentIsAskedOnItsDetectedIpOrOnTheSimulatorsLoopbackStandIn() {
        assertThat(HttpMesosAgentProbe.endpoint(facts(Optional.of("10.0.1.21")), "127.0.0.1", 5051)).contains("10.0.1.21:5051");
        assertThat(HttpMesosAgentProbe.endpoint(facts(Optional.of("fd00::5")), "127.0.0.1", 5051)).contains("[fd00::5]:5051");
        assertThat(HttpMesosAgentProbe.endpoint(facts(Optional.of("10.0.1.21")), "127.4.0.9", 5051)).contains("127.4.0.9:5051");
        assertThat(HttpMesosAgentProbe.endpoint(facts(Optional.empty()), "127.0.0.1", 5051)).isEmpty();
    }
}
