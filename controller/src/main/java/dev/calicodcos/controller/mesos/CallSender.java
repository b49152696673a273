package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends non-SUBSCRIBE scheduler calls, in order, on one thread, with the current session's
 * framework ID and {@code Mesos-Stream-Id}.
 *
 * <p>A 202 only means "queued"; outcomes arrive as events. A 307 or 403 means our subscription is
 * dead (leader moved, or the master no longer sees us), so the call is not retried: the
 * subscription is dropped and re-established instead.
 */
final class CallSender {
    private static final Logger LOG = LoggerFactory.getLogger(CallSender.class);
    /** Exactly this string: the master compares Content-Type literally and answers 415 to "; charset=utf-8". */
    static final MediaType JSON = MediaType.get("application/json");

    private final LeaderFollowingHttp http;
    private final HttpUrl url;
    private final ObjectMapper json;
    private final ExecutorService executor;
    private final Supplier<Optional<Session>> session;
    private final Runnable onSubscriptionLost;

    CallSender(LeaderFollowingHttp http, HttpUrl url, ObjectMapper json, ExecutorService executor,
               Supplier<Optional<Session>> session, Runnable onSubscriptionLost) {
        this.http = http;
        this.url = url;
        this.json = json;
        this.executor = executor;
        this.session = session;
        this.onSubscriptionLost = onSubscriptionLost;
    }

    /**
     * Queues a call for the session current now; {@code build} turns its framework ID into the body.
     * Calls made while not subscribed are dropped, and so are queued calls whose session ended before
     * they could be sent (their stream ID is void, and offers they name are rescinded).
     */
    void send(String type, Function<String, ObjectNode> build) {
        Optional<Session> current = session.get();
        if (current.isEmpty()) {
            LOG.info("call dropped, not subscribed call={}", type);
            return;
        }
        try {
            executor.execute(() -> sendNow(type, current.get(), build));
        } catch (RejectedExecutionException e) {
            LOG.debug("call dropped, driver closed call={}", type);
        }
    }

    private void sendNow(String type, Session issuedIn, Function<String, ObjectNode> build) {
        if (!session.get().map(issuedIn::equals).orElse(false)) {
            LOG.info("call dropped, subscription ended before it was sent call={}", type);
            return;
        }
        Request request;
        try {
            request = new Request.Builder().url(url)
                    .header("Accept", "application/json")
                    .header("Mesos-Stream-Id", issuedIn.streamId())
                    .post(RequestBody.create(json.writeValueAsBytes(build.apply(issuedIn.frameworkId())), JSON))
                    .build();
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.error("call not built call={}", type, e);
            return;
        }
        try (Response response = http.execute(request, false)) {
            int code = response.code();
            if (code == 202 || code == 200) {
                LOG.debug("call accepted call={}", type);
            } else if ((code == 307 || code == 403) && session.get().map(issuedIn::equals).orElse(false)) {
                LOG.warn("call refused, subscription lost call={} status={}", type, code);
                onSubscriptionLost.run();
            } else if (code == 307 || code == 403) {
                // answered late, after its subscription ended: a newer subscription may be healthy, leave it alone
                LOG.info("call refused after its subscription ended call={} status={}", type, code);
            } else {
                LOG.warn("call refused call={} status={} message={}", type, code, shortBody(response));
            }
        } catch (IOException | MesosException e) {
            LOG.warn("call failed call={} cause={}", type, e.toString());
        }
    }

    /** Mesos error bodies are short plain text; only their start is read (whatever their length), for the log. */
    private static String shortBody(Response response) {
        try {
            return response.body() == null ? "" : response.peekBody(200).string();
        } catch (IOException e) {
            return "";
        }
    }
}
