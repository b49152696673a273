package dev.calicodcos.reconcilers;

import dev.calicodcos.reconcilers.host.Services;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * In-memory {@link Services}: units are active from the start when the test says so; restarts and
 * starts make them active since "now". Every verb is recorded, e.g. {@code restart docker}.
 */
public final class RecordingServices implements Services {
    private final Clock clock;
    private final Map<String, Instant> activeSince = new HashMap<>();
    private final Set<String> enabled = new HashSet<>();
    private final List<String> calls = new ArrayList<>();

    public RecordingServices(Clock clock) {
        this.clock = clock;
    }

    public RecordingServices active(String unit, Instant since) {
        activeSince.put(unit, since);
        return this;
    }

    public RecordingServices inactive(String unit) {
        activeSince.remove(unit);
        return this;
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void restart(String unit) {
        calls.add("restart " + unit);
        activeSince.put(unit, clock.instant());
    }

    @Override
    public void reload(String unit) {
        calls.add("reload " + unit);
    }

    @Override
    public void start(String unit) {
        calls.add("start " + unit);
        activeSince.putIfAbsent(unit, clock.instant());
    }

    @Override
    public void stop(String unit) {
        calls.add("stop " + unit);
        activeSince.remove(unit);
    }

    @Override
    public void enable(String unit) {
        calls.add("enable " + unit);
        enabled.add(unit);
    }

    @Override
    public void disableNow(String unit) {
        calls.add("disable --now " + unit);
        enabled.remove(unit);
        activeSince.remove(unit);
    }

    @Override
    public void daemonReload() {
        calls.add("daemon-reload");
    }

    @Override
    public boolean isActive(String unit) {
        return activeSince.containsKey(unit);
    }

    @Override
    public boolean isEnabled(String unit) {
        return enabled.contains(unit);
    }

    @Override
    public Optional<Instant> activeSince(String unit) {
        return Optional.ofNullable(activeSince.get(unit));
    }
}
