package dev.calicodcos.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads etcd's {@code /version} through one agent's etcd proxy every {@link #INTERVAL}, the way
 * calico/node, the CNI plugin and Docker's cluster store use it, and keeps every failure. A proxy
 * that goes away for any reason is gone for longer than that (systemd waits {@code RestartSec}
 * before starting it again), so every gap shows up as failed reads.
 */
final class ProxyProbe implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(10);

    /** What the probe saw from start to stop. */
    record Result(int answered, List<String> failures) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final URI version;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private final List<String> failures = new ArrayList<>();
    private volatile boolean running = true;
    private int answered;

    private ProxyProbe(String loopback, int port) {
        version = URI.create("http://" + loopback + ":" + port + "/version");
        thread = new Thread(this::probe, "proxy-probe-" + loopback);
        thread.setDaemon(true);
    }

    /** Starts probing {@code loopback:port}; returns once the first read was answered. */
    static ProxyProbe start(String loopback, int port) throws InterruptedException {
        ProxyProbe probe = new ProxyProbe(loopback, port);
        probe.thread.start();
        if (!probe.started.await(30, TimeUnit.SECONDS)) {
            probe.close();
            throw new AssertionError("the proxy on " + loopback + ":" + port + " never answered: " + probe.result().failures());
        }
        return probe;
    }

    private void probe() {
        while (running) {
            String problem;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(version).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                problem = response.statusCode() == 200 && response.body().contains("etcdserver") ? null
                        : "HTTP " + response.statusCode() + " " + response.body();
            } catch (IOException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (problem == null) {
                    answered++;
                    started.countDown();
                } else if (started.getCount() == 0) {
                    failures.add(Instant.now() + " " + problem); // before the first answer the proxy is still starting
                }
            }
            LockSupport.parkNanos(INTERVAL.toNanos()); // a pace, not a wait for anything
        }
    }

    synchronized Result result() {
        return new Result(answered, List.copyOf(failures));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
