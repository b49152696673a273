package dev.calicodcos.reconcilers.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.Rollout;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one safety rule: a step never restarts docker, the Mesos agent or a running etcd proxy without the leader's grant
 * for exactly its step and desired hash, and never restarts twice for one grant once the first
 * restart has taken effect, whatever crashes in between.
 *
 * <p>Progress is kept in a marker on the host ({@code /var/lib/calico-dcos/restarts/<step>.json}):
 * {@code ISSUING} is written (and synced) before {@code systemctl restart}, {@code RESTARTED} after
 * it. A node agent that finds {@code ISSUING} decides from the unit's ActiveEnterTimestamp whether
 * the restart happened. The marker is deleted once the service has stayed active for the
 * stability period and the step has seen its desired state.
 */
public final class RestartGate {
    static final String MARKER_DIR = "/var/lib/calico-dcos/restarts";

    private final HostFiles files;
    private final Services services;
    private final Clock clock;
    private final CrashPoints crashPoints;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    /** Per step restarted and active, when its stability period ends (kept only between passes, for timing). */
    private final Map<StepName, Instant> stableAt = new EnumMap<>(StepName.class);

    public RestartGate(HostFiles files, Services services, Clock clock, CrashPoints crashPoints) {
        this.files = files;
        this.services = services;
        this.clock = clock;
        this.crashPoints = crashPoints;
    }

    /** Where a restart already issued for this step stands. */
    public sealed interface Progress {
        /** No restart is under way at this hash. */
        record None() implements Progress {}

        /** Restarted, not yet stable (or failed to come back): report this outcome. */
        record Waiting(StepOutcome outcome) implements Progress {}

        /** Restarted and stable: the step checks its state, then calls {@link #finish}. */
        record Stable() implements Progress {}
    }

    enum State { ISSUING, RESTARTED }

    record Marker(StepName step, String unit, String hash, State state, Instant issuedAt) {}

    public Progress progress(StepName step, String unit, String hash, StepContext context) {
        stableAt.remove(step);
        Optional<Marker> found = read(step);
        if (found.isEmpty()) {
            return new Progress.None();
        }
        Marker marker = found.get();
        if (!marker.hash().equals(hash) || !marker.unit().equals(unit)) {
            files.delete(path(step)); // a restart for an older desired state: that state is gone
            return new Progress.None();
        }
        Rollout rollout = context.spec().rollout();
        Instant now = clock.instant();
        Optional<Instant> since = services.activeSince(unit);
        boolean active = since.isPresent() && services.isActive(unit);
        if (marker.state() == State.ISSUING) {
            // ActiveEnterTimestamp has second resolution: compare at that resolution.
            boolean tookEffect = active && !since.get().isBefore(marker.issuedAt().truncatedTo(ChronoUnit.SECONDS));
            if (active && !tookEffect) {
                files.delete(path(step)); // crashed before systemctl restart ran: no restart happened
                return new Progress.None();
            }
            if (tookEffect) {
                marker = write(new Marker(step, unit, hash, State.RESTARTED, marker.issuedAt()));
            }
        }
        if (!active) {
            if (now.isAfter(marker.issuedAt().plus(rollout.restartTimeout()))) {
                return new Progress.Waiting(StepOutcome.failed(hash, Optional.empty(), StepReason.SERVICE_NOT_ACTIVE,
                        unit + " is not active " + rollout.restartTimeout() + " after its restart"));
            }
            return new Progress.Waiting(StepOutcome.restarting(hash, "restarted " + unit + "; waiting until it is active"));
        }
        Instant stableFrom = max(since.get(), marker.issuedAt()).plus(rollout.stabilityPeriod());
        if (now.isBefore(stableFrom)) {
            stableAt.put(step, stableFrom);
            return new Progress.Waiting(StepOutcome.restarting(hash,
                    unit + " is active; waiting until it has been stable for " + rollout.stabilityPeriod()));
        }
        return new Progress.Stable();
    }

    /**
     * The step must restart {@code unit} to reach {@code hash}: without a matching grant it reports
     * AWAITING_RESTART; with one it restarts now and reports RESTARTING.
     */
    public StepOutcome restart(StepName step, String unit, String hash, Optional<String> observedHash, StepContext context) {
        return restart(step, unit, hash, observedHash, context, () -> { });
    }

    /**
     * As {@link #restart(StepName, String, String, Optional, StepContext)}, running {@code prepare}
     * only once granted, after the marker and before the restart: a step that must not change what a
     * running service will pick up before it may restart it (the etcd proxy's unit file) does it there.
     */
    public StepOutcome restart(StepName step, String unit, String hash, Optional<String> observedHash, StepContext context,
                               Runnable prepare) {
        if (!context.plan().grants(step, hash)) {
            return StepOutcome.awaitingRestart(hash, observedHash, unit);
        }
        Marker issuing = write(new Marker(step, unit, hash, State.ISSUING, clock.instant()));
        prepare.run();
        crashPoints.reached("restart.before");
        services.restart(unit);
        crashPoints.reached("restart.after");
        write(new Marker(step, unit, hash, State.RESTARTED, issuing.issuedAt()));
        crashPoints.reached("restart.marked");
        return StepOutcome.restarting(hash, "restarted " + unit + "; waiting until it is active and stable");
    }

    /**
     * When the first restarted service still in its stability period will have been stable long
     * enough, as of the last pass: the node agent looks again then rather than at its next recheck.
     */
    public Optional<Instant> nextStableAt() {
        return stableAt.values().stream().min(Instant::compareTo);
    }

    /** The restart did its job: forget it. */
    public void finish(StepName step) {
        stableAt.remove(step);
        files.delete(path(step));
    }

    public boolean underWay(StepName step) {
        return read(step).isPresent();
    }

    private Optional<Marker> read(StepName step) {
        return files.read(path(step)).flatMap(bytes -> {
            try {
                return Optional.of(json.readValue(bytes, Marker.class));
            } catch (IOException e) {
                files.delete(path(step)); // a torn marker cannot happen with atomic writes; treat as none
                return Optional.empty();
            }
        });
    }

    private Marker write(Marker marker) {
        try {
            files.createDirectories(MARKER_DIR);
            files.write(path(marker.step()), json.writeValueAsString(marker).getBytes(StandardCharsets.UTF_8), "rw-r--r--");
            return marker;
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot write restart marker: " + e.getMessage(), e);
        }
    }

    private static String path(StepName step) {
        return MARKER_DIR + "/" + step.id() + ".json";
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
