package dev.calicodcos.controller.dcos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Service-account login: {@code POST /acs/api/v1/auth/login} with {@code {"uid", "token"}}, where the
 * token is a fresh RS256 login JWT; the answer's {@code token} is the DC/OS authentication token.
 */
public final class IamLogin {
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(IamLogin.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    /** Well under the IAM's ten-minute limit, and tolerant of some clock skew. */
    static final Duration LOGIN_TOKEN_LIFETIME = Duration.ofMinutes(2);

    private final OkHttpClient client;
    private final HttpUrl loginUrl;
    private final ServiceAccount account;
    private final Clock clock;
    private final ObjectMapper json;

    /**
     * @param client a client <em>without</em> the auth interceptor (the login itself needs no token)
     * @param base   Admin Router, e.g. {@code https://master.mesos}
     */
    public IamLogin(OkHttpClient client, HttpUrl base, ServiceAccount account, Clock clock, ObjectMapper json) {
        this.client = client;
        this.loginUrl = base.newBuilder().addPathSegments("acs/api/v1/auth/login").build();
        this.account = account;
        this.clock = clock;
        this.json = json;
    }

    public AuthToken login() throws DcosAuthException {
        String loginToken = ServiceLoginToken.sign(account, clock.instant().plus(LOGIN_TOKEN_LIFETIME), json);
        byte[] body;
        try {
            body = json.writeValueAsBytes(json.createObjectNode().put("uid", account.uid()).put("token", loginToken));
        } catch (IOException e) {
            throw new DcosAuthException(DcosAuthException.Reason.BAD_CREDENTIALS, "cannot encode the login request");
        }
        Request request = new Request.Builder().url(loginUrl)
                .header("Accept", "application/json")
                .post(RequestBody.create(body, JSON_TYPE))
                .build();
        try (Response response = client.newCall(request).execute()) {
            if (response.code() == 200) {
                AuthToken token = AuthToken.fromJwt(tokenOf(response.body()), json);
                LOG.info("logged in to DC/OS uid={} expiresAt={}", account.uid(),
                        token.expiresAt().map(Object::toString).orElse("unknown"));
                return token;
            }
            // the error body is not part of the contract, and may echo what we sent
            DcosAuthException.Reason reason = response.code() >= 500
                    ? DcosAuthException.Reason.UNAVAILABLE : DcosAuthException.Reason.REJECTED;
            LOG.warn("DC/OS login refused uid={} status={}", account.uid(), response.code());
            throw new DcosAuthException(reason, "DC/OS login of uid " + account.uid() + " refused with HTTP " + response.code());
        } catch (DcosAuthException e) {
            throw e;
        } catch (IOException e) {
            LOG.warn("DC/OS login failed uid={} cause={}", account.uid(), e.getClass().getSimpleName());
            throw new DcosAuthException(DcosAuthException.Reason.UNAVAILABLE,
                    "DC/OS login of uid " + account.uid() + " failed: " + e.getClass().getSimpleName());
        }
    }

    /** A login answer is a token of a few KiB: anything past {@link #MAX_ANSWER_BYTES} is not read. */
    private static byte[] bounded(ResponseBody body) throws IOException {
        if (body.contentLength() > MAX_ANSWER_BYTES) {
            throw tooLarge();
        }
        byte[] bytes = body.byteStream().readNBytes(MAX_ANSWER_BYTES + 1);
        if (bytes.length > MAX_ANSWER_BYTES) {
            throw tooLarge();
        }
        return bytes;
    }

    private static DcosAuthException tooLarge() {
        return new DcosAuthException(DcosAuthException.Reason.UNAVAILABLE, "DC/OS login answer is larger than "
                + MAX_ANSWER_BYTES / 1024 + " KiB; not read");
    }

    private String tokenOf(ResponseBody body) throws IOException {
        JsonNode answer = body == null ? null : json.readTree(bounded(body));
        JsonNode token = answer == null ? null : answer.get("token");
        if (token == null || !token.isTextual() || token.textValue().isEmpty()) {
            throw new DcosAuthException(DcosAuthException.Reason.UNAVAILABLE, "DC/OS login answer has no token");
        }
        return token.textValue();
    }
}
