package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link MesosMaster} over the legacy {@code GET /master/slaves} endpoint, and {@link MasterTasks} over
 * {@code GET /master/frameworks}, and {@link MasterMaintenance} over {@code /master/maintenance/schedule}.
 */
public final class HttpMesosMaster implements MesosMaster, MasterTasks, MasterMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(HttpMesosMaster.class);
    /**
     * A task lookup is information for an event, asked for while a pass waits: one attempt (the caller asks
     * again later), over sooner than the other reads.
     */
    static final Duration TASK_LIST_TIMEOUT = Duration.ofSeconds(15);
    /** A schedule is a few windows; more than this is not one we can rewrite safely. */
    private static final long MAX_SCHEDULE_BYTES = 4 << 20;
    private static final MediaType JSON = MediaType.get("application/json");

    private final MasterClientConfig config;
    private final LeaderFollowingHttp http;
    private final MasterSlavesParser parser;
    private final MasterFrameworksParser frameworksParser;
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
        this.frameworksParser = new MasterFrameworksParser(json);
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
        List<MesosAgent> agents = get(config.endpoint().slaves(), config.maxAgentListBytes(), call -> { }, parser::parse);
        LOG.debug("agents fetched count={}", agents.size());
        return agents;
    }

    /** One attempt, at most {@link #TASK_LIST_TIMEOUT} (or the call timeout, if shorter), at most {@code maxTaskListBytes}. */
    @Override
    public List<MasterTask> tasks() {
        long timeout = Math.min(TASK_LIST_TIMEOUT.toMillis(), config.callTimeout().toMillis());
        List<MasterTask> tasks = get(config.endpoint().frameworks(), config.maxTaskListBytes(),
                call -> call.timeout().timeout(timeout, TimeUnit.MILLISECONDS), frameworksParser::parse);
        LOG.debug("tasks fetched count={}", tasks.size());
        return tasks;
    }

    /** One attempt (a drain retries on a later pass), at most {@link #TASK_LIST_TIMEOUT}. */
    @Override
    public byte[] schedule() {
        long timeout = Math.min(TASK_LIST_TIMEOUT.toMillis(), config.callTimeout().toMillis());
        return get(config.endpoint().maintenanceSchedule(), MAX_SCHEDULE_BYTES,
                call -> call.timeout().timeout(timeout, TimeUnit.MILLISECONDS), in -> {
                    try {
                        return in.readAllBytes();
                    } catch (IOException e) {
                        throw LeaderFollowingHttp.failure(e, "GET /master/maintenance/schedule");
                    }
                });
    }

    @Override
    public void replaceSchedule(byte[] json) {
        long timeout = Math.min(TASK_LIST_TIMEOUT.toMillis(), config.callTimeout().toMillis());
        HttpUrl url = config.endpoint().maintenanceSchedule();
        Request request = new Request.Builder().url(url).post(RequestBody.create(json, JSON)).build();
        String what = "POST " + url.encodedPath();
        try (Response response = http.execute(request, true, call -> call.timeout().timeout(timeout, TimeUnit.MILLISECONDS))) {
            if (response.code() == 400) {
                ResponseBody body = response.body();
                String reason = body == null ? "" : new String(BoundedBody.open(body, 4096, what).readAllBytes(), StandardCharsets.UTF_8);
                throw new MesosException(MesosException.Reason.REJECTED, "the master refused the maintenance schedule: " + reason.strip());
            }
            if (response.code() != 200) {
                throw statusFailure(response.code(), url.encodedPath());
            }
        } catch (IOException e) {
            throw LeaderFollowingHttp.failure(e, what);
        }
    }

    /** A GET of the leading master, its body read with the size {@code limit} and parsed as it streams in. */
    private <T> T get(HttpUrl url, long limit, Consumer<Call> onCall, Function<InputStream, T> parse) {
        Request request = new Request.Builder().url(url).get().header("Accept", "application/json").build();
        String what = "GET " + request.url().encodedPath();
        try (Response response = http.execute(request, true, onCall)) {
            if (response.code() != 200) {
                throw statusFailure(response.code(), request.url().encodedPath());
            }
            ResponseBody body = response.body();
            if (body == null) {
                throw new MesosException(MesosException.Reason.PROTOCOL, what + " answered without a body");
            }
            try (InputStream in = BoundedBody.open(body, limit, what)) {
                return parse.apply(in);
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
