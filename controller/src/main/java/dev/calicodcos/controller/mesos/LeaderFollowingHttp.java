package dev.calicodcos.controller.mesos;

import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Sends requests to the leading master, following its {@code 307} redirects by hand.
 *
 * <p>A non-leading master answers {@code 307} with a protocol-relative {@code Location}
 * ({@code //10.0.4.22:5050/master/slaves}) that must be resolved against the original scheme, and the
 * method and body must be re-sent (okhttp would not do that for a POST). The leader found this way is
 * remembered for later requests and forgotten when it stops answering. Behind Admin Router a
 * {@code Location} points past the proxy (and its authentication), so a redirect there is reported as
 * "leader changing, try again" instead.
 */
final class LeaderFollowingHttp {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderFollowingHttp.class);

    private final OkHttpClient client;
    private final MasterEndpoint endpoint;
    private final int maxRedirects;
    private final AtomicReference<HttpUrl> leader;

    /** {@code client} must not follow redirects itself. */
    LeaderFollowingHttp(OkHttpClient client, MasterEndpoint endpoint, int maxRedirects) {
        this(client, endpoint, maxRedirects, new AtomicReference<>());
    }

    /**
     * @param leader the remembered leader, shared between clients that must talk to the same master
     *               (the scheduler stream and the calls of that subscription)
     */
    LeaderFollowingHttp(OkHttpClient client, MasterEndpoint endpoint, int maxRedirects, AtomicReference<HttpUrl> leader) {
        if (client.followRedirects() || client.followSslRedirects()) {
            throw new IllegalArgumentException("the client must leave redirects to LeaderFollowingHttp");
        }
        this.client = client;
        this.endpoint = endpoint;
        this.maxRedirects = maxRedirects;
        this.leader = leader;
    }

    /**
     * Executes {@code request}, following up to {@code maxRedirects} leader redirects when
     * {@code followRedirects}; otherwise a 307 is returned to the caller as is.
     *
     * @param onCall receives each okhttp call before it runs, so that a watchdog can cancel it
     */
    Response execute(Request request, boolean followRedirects, Consumer<Call> onCall) throws IOException {
        Request current = request.newBuilder().url(towardsLeader(request.url())).build();
        for (int hop = 0; ; hop++) {
            Response response = send(current, onCall);
            if (response.code() != 307 || !followRedirects) {
                return response;
            }
            Optional<String> location = Optional.ofNullable(response.header("Location"));
            response.close();
            if (endpoint.viaAdminRouter()) {
                throw new MesosException(MesosException.Reason.UNAVAILABLE,
                        "leader changed behind Admin Router at " + current.url().encodedPath());
            }
            if (location.isEmpty()) {
                throw new MesosException(MesosException.Reason.PROTOCOL, "307 without Location from " + current.url().host());
            }
            if (hop >= maxRedirects) {
                throw new MesosException(MesosException.Reason.REDIRECT_LOOP,
                        "more than " + maxRedirects + " redirects for " + request.url().encodedPath());
            }
            HttpUrl target = resolve(current.url(), location.get());
            remember(target);
            LOG.info("following leader redirect from={} to={}", current.url().host() + ":" + current.url().port(),
                    target.host() + ":" + target.port());
            current = current.newBuilder().url(target).build();
        }
    }

    Response execute(Request request, boolean followRedirects) throws IOException {
        return execute(request, followRedirects, call -> { });
    }

    /** Forgets the remembered leader; the next request goes to the configured base URL again. */
    void forgetLeader() {
        leader.set(null);
    }

    private Response send(Request request, Consumer<Call> onCall) throws IOException {
        Call call = client.newCall(request);
        onCall.accept(call);
        try {
            return call.execute();
        } catch (IOException e) {
            if (!sameHostAndPort(request.url(), endpoint.base())) {
                forgetLeader();   // the leader we remembered may be gone; ask the configured address next time
            }
            throw e;
        }
    }

    /** Rewrites a URL built from the configured base so that it goes to the remembered leader. */
    private HttpUrl towardsLeader(HttpUrl url) {
        HttpUrl known = leader.get();
        if (known == null || !sameHostAndPort(url, endpoint.base())) {
            return url;
        }
        return url.newBuilder().scheme(known.scheme()).host(known.host()).port(known.port()).build();
    }

    private void remember(HttpUrl target) {
        leader.set(new HttpUrl.Builder().scheme(target.scheme()).host(target.host()).port(target.port()).build());
    }

    /** Resolves {@code //host:port/path}, an absolute URL or a path against the URL that was redirected. */
    static HttpUrl resolve(HttpUrl from, String location) {
        String absolute = location.startsWith("//") ? from.scheme() + ":" + location : location;
        HttpUrl target = from.resolve(absolute);
        if (target == null) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "unusable redirect Location " + location);
        }
        return target;
    }

    private static boolean sameHostAndPort(HttpUrl a, HttpUrl b) {
        return a.host().equals(b.host()) && a.port() == b.port();
    }

    /** Maps an I/O failure to our failure type without leaking request details. */
    static MesosException failure(IOException e, String what) {
        if (e instanceof SocketTimeoutException || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()))) {
            return new MesosException(MesosException.Reason.TIMEOUT, what + " timed out", e);
        }
        return new MesosException(MesosException.Reason.CONNECTION, what + " failed: " + e.getClass().getSimpleName(), e);
    }
}
