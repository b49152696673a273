package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.core.IntervalFunction;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The driver's stream thread: SUBSCRIBE, feed the RecordIO stream to the {@link EventDispatcher}
 * until it ends, then resubscribe with exponential backoff and jitter, for as long as the driver is open.
 *
 * <ul>
 *   <li>{@code Framework has been removed}: a new framework registers at once (no stored ID).</li>
 *   <li>{@code Framework failed over}: another scheduler subscribed with our ID. Only the leader
 *       subscribes, so that was a deposed leader inside its lease (it stops by itself): resubscribe
 *       after the backoff and take the framework back.</li>
 *   <li>Anything else (EOF, I/O error, heartbeat timeout, refused call, ERROR, a bug that throws):
 *       resubscribe with the same ID.</li>
 * </ul>
 * The loop ends only when the driver is closed: a subscription that stopped for good while this
 * replica leads would leave the rollout without node agents and nobody noticing.
 */
final class SubscriptionLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionLoop.class);

    private enum Ending { RETRY, NEW_FRAMEWORK, SUPERSEDED, CLOSED }

    private record Attempt(Ending ending, boolean subscribed) {}

    private final SchedulerDriverConfig config;
    private final LeaderFollowingHttp http;
    private final ObjectMapper json;
    private final EventDispatcher events;
    private final HeartbeatWatchdog watchdog;
    private final TaskReconciliation reconciliation;
    private final AtomicReference<Session> session;
    private final IntervalFunction backoff;

    private final AtomicReference<Call> streamCall = new AtomicReference<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private boolean idLoaded;

    SubscriptionLoop(SchedulerDriverConfig config, LeaderFollowingHttp http, ObjectMapper json, EventDispatcher events,
                     HeartbeatWatchdog watchdog, TaskReconciliation reconciliation, AtomicReference<Session> session) {
        this.config = config;
        this.http = http;
        this.json = json;
        this.events = events;
        this.watchdog = watchdog;
        this.reconciliation = reconciliation;
        this.session = session;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(), 2.0, 0.5, config.maxBackoff());
    }

    @Override
    public void run() {
        try {
            int failures = 0;
            while (!isClosed()) {
                Attempt attempt = attempt();
                if (attempt.ending() == Ending.CLOSED || isClosed()) {
                    break;
                }
                if (attempt.ending() == Ending.SUPERSEDED) {
                    LOG.error("another scheduler took over this framework; taking it back after the backoff frameworkId={}",
                            events.frameworkId().orElse("<none>"));
                }
                if (attempt.ending() == Ending.NEW_FRAMEWORK) {
                    failures = 0;
                    continue;
                }
                failures = attempt.subscribed() ? 1 : failures + 1;
                long wait = backoff.apply(failures);
                LOG.info("resubscribing after backoff attempt={} waitMs={}", failures, wait);
                if (closed.await(wait, TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /** One subscription; a runtime failure in it (a bug, a listener that throws) ends only that one. */
    private Attempt attempt() {
        try {
            if (!idLoaded) {
                events.loadFrameworkId(); // never subscribe without it: a new framework would orphan our running tasks
                idLoaded = true;
            }
            return subscribeOnce();
        } catch (RuntimeException e) {
            events.endReason("unexpected failure: " + e);
            LOG.error("subscription failed unexpectedly; resubscribing", e);
            boolean subscribed = session.getAndSet(null) != null;
            if (subscribed) {
                events.emit(new SchedulerEvent.Disconnected(events.endReason()));
            }
            return new Attempt(Ending.RETRY, subscribed);
        }
    }

    /** Stops the loop and breaks the current stream; returns once the thread has finished or {@code timeoutMs} passed. */
    void close(long timeoutMs) {
        closed.countDown();
        dropSubscription();
        try {
            finished.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the current subscription for {@code reason}; the stream thread resubscribes. */
    void dropSubscription(String reason) {
        events.endReason(reason);
        dropSubscription();
    }

    /** Cancels the stream's HTTP call; the stream thread then resubscribes (or stops, when closed). */
    void dropSubscription() {
        Call call = streamCall.get();
        if (call != null) {
            call.cancel();
        }
    }

    boolean running() {
        return finished.getCount() > 0;
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private Attempt subscribeOnce() {
        Optional<String> storedId = events.frameworkId();
        events.resetEndReason();
        Ending ending;
        try {
            Request request = new Request.Builder().url(config.endpoint().scheduler())
                    .header("Accept", "application/json")
                    .post(RequestBody.create(json.writeValueAsBytes(
                            SchedulerCalls.subscribe(config.framework(), storedId, List.of())), CallSender.JSON))
                    .build();
            LOG.info("subscribing frameworkId={}", storedId.orElse("<new>"));
            watchdog.watch(config.subscribeTimeout(), () -> dropSubscription("no event from the master in time"));
            try (Response response = http.execute(request, true, streamCall::set)) {
                ending = readResponse(response);
                dropSubscription();   // cancel rather than drain what may still be in flight when the body closes
            }
        } catch (IOException | MesosException | RecordIoException e) {
            if (isClosed()) {
                ending = Ending.CLOSED;
            } else {
                events.endReason(e.getMessage());
                LOG.warn("subscription broken cause={}", e.toString());
                ending = Ending.RETRY;
            }
        } finally {
            watchdog.stop();
            reconciliation.stop();
            streamCall.set(null);
        }
        boolean subscribed = session.getAndSet(null) != null;
        if (subscribed) {
            events.emit(new SchedulerEvent.Disconnected(events.endReason()));
        }
        return new Attempt(ending, subscribed);
    }

    private Ending readResponse(Response response) throws IOException {
        if (response.code() != 200) {
            events.endReason("HTTP " + response.code());
            LOG.warn("subscribe refused status={}", response.code());
            return Ending.RETRY;
        }
        String streamId = response.header("Mesos-Stream-Id");
        ResponseBody body = response.body();
        if (streamId == null || streamId.isBlank() || body == null) {
            events.endReason("no Mesos-Stream-Id");
            LOG.warn("subscribe answer without Mesos-Stream-Id");
            return Ending.RETRY;
        }
        return readStream(body.byteStream(), streamId);
    }

    private Ending readStream(InputStream in, String streamId) throws IOException {
        RecordIoDecoder decoder = new RecordIoDecoder(config.maxRecordBytes());
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = in.read(buffer)) != -1) {
            watchdog.activity();
            for (byte[] record : decoder.feed(buffer, 0, read)) {
                switch (events.dispatch(record, streamId)) {
                    case CONTINUE -> { }
                    case RESUBSCRIBE -> { return Ending.RETRY; }
                    case NEW_FRAMEWORK -> { return Ending.NEW_FRAMEWORK; }
                    case SUPERSEDED -> { return Ending.SUPERSEDED; }
                }
            }
        }
        if (isClosed()) {
            return Ending.CLOSED;
        }
        decoder.endOfStream(); // a malformed or cut stream: the end reason says so
        return Ending.RETRY;
    }
}
