package dev.calicodcos.e2e.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;

/**
 * An okhttp interceptor that records every request the driver sends (each redirect hop separately,
 * since the driver follows redirects itself) with its JSON body and the status it got.
 */
final class CallLog implements Interceptor {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One HTTP exchange; {@code status} is -1 when the call failed or was cancelled before an answer. */
    record Exchange(HttpUrl url, JsonNode body, int status, String location) {
        String type() {
            return body.path("type").asText();
        }

        int port() {
            return url.port();
        }
    }

    /** Holds the next call of {@code type} before it is sent, until {@code release} opens. */
    private record Hold(String type, CountDownLatch release, CountDownLatch holding) {}

    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicReference<Hold> hold = new AtomicReference<>();

    /** The next call of {@code type} waits in the interceptor (not sent yet) until {@code release} opens. */
    CountDownLatch holdNext(String type, CountDownLatch release) {
        Hold next = new Hold(type, release, new CountDownLatch(1));
        hold.set(next);
        return next.holding();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        JsonNode body = MissingNode.getInstance();
        if (request.body() != null) {
            Buffer buffer = new Buffer();
            request.body().writeTo(buffer);
            body = JSON.readTree(buffer.readByteArray());
        }
        Hold held = hold.get();
        if (held != null && held.type().equals(body.path("type").asText()) && hold.compareAndSet(held, null)) {
            held.holding().countDown();
            try {
                if (!held.release().await(30, TimeUnit.SECONDS)) {
                    throw new InterruptedIOException("held call never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while held");
            }
        }
        Response response;
        try {
            response = chain.proceed(request);
        } catch (IOException | RuntimeException e) {
            exchanges.add(new Exchange(request.url(), body, -1, null));
            throw e;
        }
        exchanges.add(new Exchange(request.url(), body, response.code(), response.header("Location")));
        return response;
    }

    List<Exchange> all() {
        return List.copyOf(exchanges);
    }

    /** Calls of one type ({@code SUBSCRIBE}, {@code ACKNOWLEDGE}, ...) in the order they were answered. */
    List<Exchange> ofType(String type) {
        return exchanges.stream().filter(e -> e.type().equals(type)).toList();
    }
}
