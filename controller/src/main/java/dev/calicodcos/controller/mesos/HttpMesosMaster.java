package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** {@link MesosMaster} over the legacy {@code GET /master/slaves} endpoint. */
public final class HttpMesosMaster implements MesosMaster {
    private static final Logger LOG = LoggerFactory.getLogger(HttpMesosMaster.class);

    private final MasterClientConfig config;
    private final LeaderFollowingHttp http;
    private final MasterSlavesParser parser;
    private final Retry retry;

    /**
     * @param client shared client (connection pool, auth interceptor); timeouts and redirect handling
     *               are set on a derived client
     */
    public HttpMesosMaster(OkHttpClient client, MasterClientConfig config, ObjectMapper json) {
        this.config = config;
        OkHttpClient derived = client.newBuilder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .callTimeout(config.callTimeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
        this.http = new LeaderFollowingHttp(derived, config.endpoint(), config.maxRedirects());
        this.parser = new MasterSlavesParser(json);
        this.retry = Retry.of("mesos-master", RetryConfig.custom()
                .maxAttempts(config.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(), 2.0, 0.5,
                        config.maxBackoff()))
                .retryOnException(e -> e instanceof MesosException m && m.retryable())
                .build());
        retry.getEventPublisher().onRetry(event -> LOG.warn("master request failed, retrying attempt={} wait={} cause={}",
                event.getNumberOfRetryAttempts(), event.getWaitInterval(), causeOf(event.getLastThrowable())));
    }

    @Override
    public List<MesosAgent> agents() {
        return retry.executeSupplier(this::fetchAgents);
    }

    private List<MesosAgent> fetchAgents() {
        Request request = new Request.Builder().url(config.endpoint().slaves()).get()
                .header("Accept", "application/json").build();
        String what = "GET " + request.url().encodedPath();
        try (Response response = http.execute(request, true)) {
            if (response.code() != 200) {
                throw statusFailure(response.code(), request.url().encodedPath());
            }
            ResponseBody body = response.body();
            if (body == null) {
                throw new MesosException(MesosException.Reason.PROTOCOL, what + " answered without a body");
            }
            try (InputStream in = BoundedBody.open(body, config.maxAgentListBytes(), what)) {
                List<MesosAgent> agents = parser.parse(in);
                LOG.debug("agents fetched count={}", agents.size());
                return agents;
            }
        } catch (IOException e) {
            throw LeaderFollowingHttp.failure(e, what);
        }
    }

    static MesosException statusFailure(int code, String path) {
        MesosException.Reason reason = switch (code) {
            case 502, 503, 504 -> MesosException.Reason.UNAVAILABLE;
            case 401, 403 -> MesosException.Reason.UNAUTHORIZED;
            default -> code >= 500 ? MesosException.Reason.UNAVAILABLE : MesosException.Reason.REJECTED;
        };
        return new MesosException(reason, "HTTP " + code + " from " + path);
    }

    private static String causeOf(Throwable t) {
        return t instanceof MesosException m ? m.reason().name() : t == null ? "none" : t.getClass().getSimpleName();
    }
}
