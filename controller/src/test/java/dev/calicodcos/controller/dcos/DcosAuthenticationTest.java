package dev.calicodcos.controller.dcos;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.mesos.Fixtures;
import dev.calicodcos.controller.mesos.HttpMesosMaster;
import dev.calicodcos.controller.mesos.MasterClientConfig;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.controller.mesos.MesosException;
import dev.calicodcos.testkit.MovableClock;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DcosAuthenticationTest {
    private static final KeyPair PAIR = TestKeys.rsa();
    private static final String UID = "calico-dcos";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MovableClock clock = MovableClock.at(Instant.parse("2026-11-27T20:00:00Z"));
    private final FakeIam iam = new FakeIam(UID, PAIR.getPublic(), clock, Duration.ofMinutes(10));
    private final MockWebServer adminRouter = new MockWebServer();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Level rootLevel;
    private OkHttpClient authenticated;
    private DcosTokenProvider tokens;

    @BeforeEach
    void start() throws IOException {
        rootLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        logs.start();
        root.addAppender(logs);
        adminRouter.setDispatcher(iam);
        adminRouter.start();
        OkHttpClient plain = new OkHttpClient();
        ServiceAccount account = new ServiceAccount(UID, PemPrivateKeys.parse(TestKeys.pkcs8Pem(PAIR)));
        tokens = new DcosTokenProvider(new IamLogin(plain, adminRouter.url("/"), account, clock, JSON), clock,
                Duration.ofSeconds(30));
        authenticated = plain.newBuilder().addInterceptor(new DcosAuthInterceptor(tokens)).build();
    }

    @AfterEach
    void stop() throws IOException {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        adminRouter.shutdown();
    }

    @Test
    void logsInWithASignedServiceLoginTokenAndSendsTheTokenOnEveryRequest() throws Exception {
        assertThat(get("/mesos/master/slaves")).isEqualTo(200);
        assertThat(get("/mesos/master/slaves")).isEqualTo(200);

        assertThat(iam.issuedTokens).hasSize(1);
        assertThat(iam.protectedRequests).extracting(r -> r.getHeader("Authorization"))
                .containsOnly("token=" + iam.issuedTokens.get(0));
        RecordedRequest login = adminRouter.takeRequest();
        assertThat(login.getPath()).isEqualTo("/acs/api/v1/auth/login");
        assertThat(login.getHeader("Authorization")).isNull();
        assertThat(login.getHeader("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void loginRequestAndTokenHaveTheShapeOfTheIamFixtures() {
        get("/mesos/master/slaves");
        String loginJwt = iam.loginTokens.get(0);
        String[] parts = loginJwt.split("\\.");

        JsonNode header = Fixtures.tree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = Fixtures.tree(Base64.getUrlDecoder().decode(parts[1]));

        assertThat(header).isEqualTo(Fixtures.tree(Fixtures.shared("dcos-iam-service-login-jwt-header.json")));
        assertThat(fieldNames(claims)).isEqualTo(fieldNames(Fixtures.tree(Fixtures.shared("dcos-iam-service-login-jwt-payload.json"))));
        assertThat(claims.get("exp").isIntegralNumber()).as("exp is a number, unlike the upstream example").isTrue();
        assertThat(claims.get("exp").asLong() - clock.instant().getEpochSecond()).isBetween(60L, 600L);
    }

    @Test
    void readsTheExpiryOfTheUpstreamLoginResponse() {
        String token = Fixtures.tree(Fixtures.shared("dcos-iam-login-response.json")).get("token").asText();

        AuthToken parsed = AuthToken.fromJwt(token, JSON);

        assertThat(parsed.expiresAt()).contains(Instant.ofEpochSecond(1482615456L));
        assertThat(parsed.toString()).doesNotContain(token);
        assertThat(AuthToken.fromJwt(Fixtures.tree(Fixtures.reference("login-response.json")).get("token").asText(), JSON)
                .expiresAt()).contains(Instant.ofEpochSecond(1700432000L));
    }

    @Test
    void logsInAgainShortlyBeforeTheTokenExpires() throws Exception {
        tokens.token();
        clock.advance(Duration.ofMinutes(9));
        tokens.token();
        assertThat(iam.issuedTokens).hasSize(1);

        clock.advance(Duration.ofSeconds(31));   // 29 s left, below the 30 s margin

        assertThat(tokens.token().value()).isEqualTo(iam.issuedTokens.get(1));
        assertThat(iam.issuedTokens).hasSize(2);
    }

    @Test
    void retriesA401ExactlyOnceWithANewToken() {
        iam.protectedStatuses.add(401);

        assertThat(get("/mesos/master/slaves")).isEqualTo(200);

        assertThat(iam.issuedTokens).hasSize(2);
        assertThat(iam.protectedRequests).extracting(r -> r.getHeader("Authorization"))
                .containsExactly("token=" + iam.issuedTokens.get(0), "token=" + iam.issuedTokens.get(1));
    }

    @Test
    void givesUpAfterTheSecond401() {
        iam.protectedStatuses.add(401);
        iam.protectedStatuses.add(401);
        iam.protectedStatuses.add(401);

        assertThat(get("/mesos/master/slaves")).isEqualTo(401);

        assertThat(iam.issuedTokens).hasSize(2);
        assertThat(iam.protectedRequests).hasSize(2);
    }

    @Test
    void theMasterClientAuthenticatesThroughAdminRouter() {
        HttpMesosMaster master = new HttpMesosMaster(authenticated,
                MasterClientConfig.defaults(new MasterEndpoint(adminRouter.url("/"), true)), JSON);

        assertThat(master.agents()).isEmpty();
        assertThat(iam.protectedRequests.get(0).getPath()).isEqualTo("/mesos/master/slaves");
    }

    @Test
    void aLoginAnswerLargerThanATokenIsNotReadWhole() {
        iam.loginAnswerPadding = IamLogin.MAX_ANSWER_BYTES;

        assertThatThrownBy(() -> tokens.token()).isInstanceOf(DcosAuthException.class)
                .hasMessageStartingWith("DC/OS login answer is larger than 64 KiB; not read");
    }

    @Test
    void aRefusedLoginIsNotRetriedAndSaysWhy() {
        iam.loginStatus = 401;

        assertThatThrownBy(() -> tokens.token())
                .isInstanceOf(DcosAuthException.class)
                .satisfies(e -> assertThat(((DcosAuthException) e).retryable()).isFalse());
        assertThat(iam.loginTokens).hasSize(1);
        assertThat(iam.protectedRequests).isEmpty();
    }

    @Test
    void noKeyOrTokenEverReachesALogLineOrAnExceptionMessage() {
        List<String> exceptionTexts = new ArrayList<>();
        get("/mesos/master/slaves");
        iam.protectedStatuses.add(401);
        get("/mesos/master/slaves");
        iam.loginStatus = 401;
        iam.protectedStatuses.add(401);
        iam.protectedStatuses.add(401);
        try {
            new HttpMesosMaster(authenticated, MasterClientConfig.defaults(new MasterEndpoint(adminRouter.url("/"), true))
                    .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(1)), JSON).agents();
        } catch (MesosException e) {
            exceptionTexts.add(ThrowableProxyUtil.asString(new ch.qos.logback.classic.spi.ThrowableProxy(e)));
        }
        clock.advance(Duration.ofHours(1));
        try {
            tokens.token();
        } catch (DcosAuthException e) {
            exceptionTexts.add(ThrowableProxyUtil.asString(new ch.qos.logback.classic.spi.ThrowableProxy(e)));
        }

        List<String> secrets = new ArrayList<>();
        String pemBody = TestKeys.pemBody(TestKeys.pkcs8Pem(PAIR));
        for (int i = 0; i + 16 <= pemBody.length(); i += 16) {
            secrets.add(pemBody.substring(i, i + 16));
        }
        iam.issuedTokens.forEach(t -> secrets.add(t.split("\\.")[1]));
        iam.loginTokens.forEach(t -> secrets.add(t.split("\\.")[2]));
        iam.loginTokens.forEach(t -> secrets.add(t.split("\\.")[1]));

        assertThat(iam.issuedTokens).hasSize(2);
        assertThat(logs.list).isNotEmpty();
        List<String> logTexts = logs.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
        assertThat(exceptionTexts).hasSize(2);
        for (String secret : secrets) {
            assertThat(logTexts).noneMatch(line -> line.contains(secret));
            assertThat(exceptionTexts).noneMatch(text -> text.contains(secret));
        }
        assertThat(new ServiceAccount(UID, PAIR.getPrivate()).toString()).doesNotContain(pemBody.substring(0, 16));
        assertThat(new AuthToken(iam.issuedTokens.get(0), Optional.empty()).toString()).doesNotContain(iam.issuedTokens.get(0));
    }

    private int get(String path) {
        try (Response response = authenticated.newCall(new Request.Builder().url(adminRouter.url(path)).build()).execute()) {
            return response.code();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
