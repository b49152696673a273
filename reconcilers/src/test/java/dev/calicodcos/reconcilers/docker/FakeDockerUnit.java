package dev.calicodcos.reconcilers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.DockerInfo;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * docker as systemd shows it (and its API, {@link #engine()}), in memory: a (re)start reads {@code /etc/docker/daemon.json}
 * from the host files as dockerd would and either comes up with its cluster store or fails the way
 * {@code systemctl restart docker} fails when dockerd refuses its configuration. Docker 20.10: a
 * reload does not change the store. Every systemctl verb is recorded, e.g. {@code restart docker}.
 */
final class FakeDockerUnit implements Services {
    static final String DAEMON_JSON = "/etc/docker/daemon.json";

    private final HostFiles files;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> calls = new ArrayList<>();
    private Optional<Instant> activeSince;
    private Optional<String> store = Optional.empty();
    private Predicate<String> refuses = content -> false;
    private Predicate<String> hangs = content -> false;
    private boolean showsStore = true;
    private boolean answers = true;
    private boolean liveRestore;

    FakeDockerUnit(HostFiles files, Clock clock, Instant activeSince) {
        this.files = files;
        this.clock = clock;
        this.activeSince = Optional.of(activeSince);
    }

    /** dockerd exits at once with a daemon.json for which this holds ({@code systemctl restart} fails). */
    FakeDockerUnit refusing(Predicate<String> daemonJson) {
        this.refuses = daemonJson;
        return this;
    }

    /** dockerd never gets ready with such a daemon.json ({@code systemctl restart} returns, the unit stays activating). */
    FakeDockerUnit hanging(Predicate<String> daemonJson) {
        this.hangs = daemonJson;
        return this;
    }

    /** Whether {@code docker info} shows the configured cluster store (a dockerd reading another file does not). */
    FakeDockerUnit showingStore(boolean shows) {
        this.showsStore = shows;
        return this;
    }

    /** Whether the API answers while the unit is active. */
    FakeDockerUnit answering(boolean answer) {
        this.answers = answer;
        return this;
    }

    FakeDockerUnit liveRestore(boolean on) {
        this.liveRestore = on;
        return this;
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    /** {@code restart} and {@code start} calls: each one a time dockerd was (re)started. */
    long starts() {
        return calls.stream().filter(c -> c.equals("restart docker") || c.equals("start docker")).count();
    }

    @Override
    public void restart(String unit) {
        calls.add("restart " + unit);
        activeSince = Optional.empty();
        come(unit);
    }

    @Override
    public void start(String unit) {
        calls.add("start " + unit);
        if (activeSince.isEmpty()) {
            come(unit);
        }
    }

    private void come(String unit) {
        String content = files.read(DAEMON_JSON).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
        if (refuses.test(content)) {
            throw new StepFailure(StepReason.SERVICE_COMMAND_FAILED, "systemctl restart " + unit + " failed (exit 1): Job for "
                    + unit + ".service failed because the control process exited with error code.");
        }
        if (hangs.test(content)) {
            return;
        }
        activeSince = Optional.of(clock.instant());
        store = clusterStore(content);
    }

    private Optional<String> clusterStore(String content) {
        if (content.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode tree = json.readTree(content);
            return Optional.ofNullable(tree.get("cluster-store")).map(JsonNode::asText);
        } catch (IOException e) {
            throw new AssertionError("daemon.json the fake dockerd cannot read: " + content, e);
        }
    }

    @Override
    public void reload(String unit) {
        calls.add("reload " + unit);
    }

    // The step never stops, enables or disables docker: calling these is a test failure.
    @Override
    public void stop(String unit) {
        throw notUsed("stop");
    }

    @Override
    public void enable(String unit) {
        throw notUsed("enable");
    }

    @Override
    public void disableNow(String unit) {
        throw notUsed("disable --now");
    }

    @Override
    public void daemonReload() {
        throw notUsed("daemon-reload");
    }

    private static UnsupportedOperationException notUsed(String verb) {
        return new UnsupportedOperationException("dockerClusterStore should not run systemctl " + verb);
    }

    @Override
    public boolean isActive(String unit) {
        return activeSince.isPresent();
    }

    @Override
    public boolean isEnabled(String unit) {
        return true;
    }

    @Override
    public Optional<Instant> activeSince(String unit) {
        return activeSince;
    }

    /**
     * The engine's API as the step sees it: only {@code docker info} (anything else fails the test). A
     * proxy, so that methods added to {@link DockerEngine} for other steps need nothing here.
     */
    DockerEngine engine() {
        return (DockerEngine) Proxy.newProxyInstance(DockerEngine.class.getClassLoader(), new Class<?>[] {DockerEngine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("info") && method.getParameterCount() == 0) {
                        return info();
                    }
                    throw new UnsupportedOperationException("dockerClusterStore should only call docker info, not " + method);
                });
    }

    DockerInfo info() {
        if (activeSince.isEmpty() || !answers) {
            throw new StepFailure(StepReason.DOCKER_NOT_RUNNING, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock");
        }
        return new DockerInfo("20.10.24", store.filter(s -> showsStore), Optional.empty(), liveRestore);
    }
}
