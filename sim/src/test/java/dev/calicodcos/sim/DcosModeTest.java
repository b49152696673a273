package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.sim.auth.Jwt;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** DC/OS mode: service-account login with an RS256 JWT, and {@code Authorization: token=} everywhere else. */
@Tag("integration")
class DcosModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeyPair account;
    private static SimulatedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        account = generator.generateKeyPair();
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofMillis(500)).dcosMode("calico-dcos", account.getPublic()).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static HttpResponse<String> login(String uid, String token) throws Exception {
        String body = JSON.createObjectNode().put("uid", uid).put("token", token).toString();
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(cluster.masterUrl().resolve("/acs/api/v1/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String loginToken(String uid, long expiresInSeconds, KeyPair key) {
        return Jwt.sign(Jwt.claims().put("uid", uid).put("exp", Instant.now().getEpochSecond() + expiresInSeconds), key.getPrivate());
    }

    private static HttpResponse<String> slaves(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(cluster.masterUrl().resolve("/mesos/master/slaves"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return TestScheduler.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serviceAccountLogsInAndItsTokenOpensTheMesosEndpoints() throws Exception {
        HttpResponse<String> login = login("calico-dcos", loginToken("calico-dcos", 120, account));

        assertThat(login.statusCode()).isEqualTo(200);
        String token = JSON.readTree(login.body()).get("token").asText();
        assertThat(slaves("token=" + token).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(slaves("token=" + token).body()).get("slaves")).hasSize(1);
        try (TestScheduler scheduler = new TestScheduler(cluster.masterUrl().resolve("/mesos/"), Optional.of(token))) {
            scheduler.subscribe(TestScheduler.multiRole("calico").build());
            await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.events(Event.Type.SUBSCRIBED).isEmpty());
        }
    }

    @Test
    void requestsWithoutAValidTokenGet401() throws Exception {
        HttpResponse<String> none = slaves(null);
        HttpResponse<String> forged = slaves("token=" + loginToken("calico-dcos", 120, account));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("oauthjwt");
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void loginIsRefusedForWrongKeyUnknownUidOrTooLongLifetime() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair stranger = generator.generateKeyPair();

        assertThat(login("calico-dcos", loginToken("calico-dcos", 120, stranger)).statusCode()).isEqualTo(401);
        assertThat(login("someone", loginToken("someone", 120, account)).statusCode()).isEqualTo(401);
        assertThat(login("calico-dcos", loginToken("calico-dcos", 3600, account)).statusCode()).isEqualTo(401);
        assertThat(login("calico-dcos", loginToken("calico-dcos", -10, account)).statusCode()).isEqualTo(401);
        assertThat(login("calico-dcos", loginToken("other", 120, account)).statusCode()).isEqualTo(401);
    }
}
