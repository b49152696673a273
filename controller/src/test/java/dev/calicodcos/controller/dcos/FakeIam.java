package dev.calicodcos.controller.dcos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * MockWebServer dispatcher playing the DC/OS IAM and one protected endpoint. The login is checked as
 * the reference says a simulator must (RS256 signature with the registered key, uid, exp at most 600 s
 * ahead); each login issues a new token that lives {@code tokenLifetime}.
 */
final class FakeIam extends Dispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> loginTokens = new CopyOnWriteArrayList<>();
    final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    final List<RecordedRequest> protectedRequests = new CopyOnWriteArrayList<>();
    final Queue<Integer> protectedStatuses = new ConcurrentLinkedQueue<>();
    volatile int loginStatus = 200;
    /** Spaces the login answer carries after its token: a broken or hostile IAM that never stops talking. */
    volatile int loginAnswerPadding = 0;

    private final String uid;
    private final PublicKey publicKey;
    private final Clock clock;
    private final Duration tokenLifetime;

    FakeIam(String uid, PublicKey publicKey, Clock clock, Duration tokenLifetime) {
        this.uid = uid;
        this.publicKey = publicKey;
        this.clock = clock;
        this.tokenLifetime = tokenLifetime;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (request.getPath().equals("/acs/api/v1/auth/login")) {
            return login(request);
        }
        protectedRequests.add(request);
        Integer status = protectedStatuses.poll();
        String expected = issuedTokens.isEmpty() ? "" : "token=" + issuedTokens.get(issuedTokens.size() - 1);
        if (status == null) {
            status = expected.equals(request.getHeader("Authorization")) ? 200 : 401;
        }
        return status == 401
                ? new MockResponse().setResponseCode(401).setHeader("WWW-Authenticate", "oauthjwt").setBody("<html>401</html>")
                : new MockResponse().setBody("{\"slaves\": [], \"recovered_slaves\": []}");
    }

    private MockResponse login(RecordedRequest request) {
        try {
            JsonNode body = JSON.readTree(request.getBody().readUtf8());
            String jwt = body.path("token").asText();
            loginTokens.add(jwt);
            if (loginStatus != 200 || !body.path("uid").asText().equals(uid) || !validLoginToken(jwt)) {
                return new MockResponse().setResponseCode(loginStatus == 200 ? 401 : loginStatus)
                        .setBody("{\"title\":\"Bad Request\",\"description\":\"Login failed for " + jwt + "\"}");
            }
            long exp = clock.instant().plus(tokenLifetime).getEpochSecond();
            String token = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "."
                    + b64("{\"uid\":\"" + uid + "\",\"exp\":" + exp + ",\"n\":" + issuedTokens.size() + "}") + ".c2lnbmF0dXJl";
            issuedTokens.add(token);
            return new MockResponse().setHeader("Content-Type", "application/json")
                    .setBody("{\"token\":\"" + token + "\"}" + " ".repeat(loginAnswerPadding));
        } catch (Exception e) {
            return new MockResponse().setResponseCode(400);
        }
    }

    private boolean validLoginToken(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(publicKey);
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        long secondsLeft = claims.path("exp").asLong() - clock.instant().getEpochSecond();
        return header.path("alg").asText().equals("RS256")
                && rs256.verify(Base64.getUrlDecoder().decode(parts[2]))
                && claims.path("uid").asText().equals(uid)
                && claims.path("exp").isIntegralNumber()
                && secondsLeft > 0 && secondsLeft <= 600;
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
