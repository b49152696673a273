package dev.calicodcos.reconcilers.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.Rollout;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
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
 *
 * <p>A step that can undo its change passes a {@link Rollback}: its health check must then hold for
 * the whole stability period too, and when the gate fails (the restart failed and the unit is down,
 * or the unit is not active or not healthy {@code rollout.restartTimeout} after the restart) the
 * gate has the step restore its last good files and restarts the unit once more under the same
 * grant ({@code ROLLING_BACK} → {@code ROLLBACK_ISSUING} → {@code ROLLBACK_RESTARTED} →
 * {@code ROLLED_BACK} or {@code ROLLBACK_FAILED}). The last two are kept: the step reports them at
 * that hash until the leader grants again (another {@code grantedAt}) or the desired hash changes.
 *
 * <p>A grant with a not-before time ({@code rollout.drain}) is held without restarting until then: the
 * step reports {@code AWAITING_RESTART} with reason {@code Draining}, and the leader may bring the
 * time forward once the agent's workloads are gone. Draining disrupts nothing and opens no window.
 *
 * <p>Every granted restart is one window of the {@link DisruptionLog}: {@code begin} just before
 * the restart, {@code end} when the step finished, rolled back or gave up.
 */
public final class RestartGate {
    static final String MARKER_DIR = "/var/lib/calico-dcos/restarts";

    private final HostFiles files;
    private final Services services;
    private final Clock clock;
    private final CrashPoints crashPoints;
    private final DisruptionLog disruptions;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    /** Per step restarted and active, when its stability period ends, or draining, when the drain ends (kept only between passes, for timing). */
    private final Map<StepName, Instant> stableAt = new EnumMap<>(StepName.class);

    public RestartGate(HostFiles files, Services services, Clock clock, CrashPoints crashPoints, DisruptionLog disruptions) {
        this.files = files;
        this.services = services;
        this.clock = clock;
        this.crashPoints = crashPoints;
        this.disruptions = disruptions;
    }

    /** Where a restart already issued for this step stands. */
    public sealed interface Progress {
        /** No restart is under way at this hash. */
        record None() implements Progress {}

        /** Restarted, not yet stable, failed to come back or rolled back: report this outcome. */
        record Waiting(StepOutcome outcome) implements Progress {}

        /** Restarted and stable: the step checks its state, then calls {@link #finish}. */
        record Stable() implements Progress {}
    }

    /** What a step that can undo its change gives the gate. */
    public interface Rollback {
        /** The change the restart is for, for messages: e.g. {@code the new daemon.json}. */
        String change();

        /** Empty while the restarted service does what the step wants; otherwise what is wrong. Held through the stability period. */
        Optional<String> unhealthy();

        /**
         * Puts the step's files back as the service last ran them successfully and says what it did.
         * It may run again after a crash, so it must be idempotent.
         */
        String restore();

        /**
         * Empty when the unit, restarted with the restored files, is back as it should be; otherwise
         * what is wrong. Checked once the unit is active again; by default nothing more is asked.
         */
        default Optional<String> unhealthyAfterRestore() {
            return Optional.empty();
        }
    }

    enum State {
        ISSUING, RESTARTED, ROLLING_BACK, ROLLBACK_ISSUING, ROLLBACK_RESTARTED, ROLLED_BACK, ROLLBACK_FAILED;

        boolean settled() {
            return this == ROLLED_BACK || this == ROLLBACK_FAILED;
        }
    }

    /**
     * The marker. Optional fields are absent in markers of earlier versions.
     *
     * @param grantedAt        the grant the restart was made under
     * @param restartError     {@code systemctl restart} failed with this
     * @param healthySince     the first pass the health check held in this window (cleared when it fails)
     * @param gateFailure      why the gate failed (from {@code ROLLING_BACK} on)
     * @param restored         what the step's rollback restored
     * @param rollbackIssuedAt when the rollback's restart was issued
     * @param result           the final message ({@code ROLLED_BACK}, {@code ROLLBACK_FAILED})
     */
    record Marker(StepName step, String unit, String hash, State state, Instant issuedAt, Optional<Instant> grantedAt,
                  Optional<String> restartError, Optional<Instant> healthySince, Optional<String> gateFailure,
                  Optional<String> restored, Optional<Instant> rollbackIssuedAt, Optional<String> result) {
        Marker {
            grantedAt = orEmpty(grantedAt);
            restartError = orEmpty(restartError);
            healthySince = orEmpty(healthySince);
            gateFailure = orEmpty(gateFailure);
            restored = orEmpty(restored);
            rollbackIssuedAt = orEmpty(rollbackIssuedAt);
            result = orEmpty(result);
        }

        static Marker issuing(StepName step, String unit, String hash, Instant at, Optional<Instant> grantedAt) {
            return new Marker(step, unit, hash, State.ISSUING, at, grantedAt, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        Marker in(State next) {
            return new Marker(step, unit, hash, next, issuedAt, grantedAt, restartError, healthySince, gateFailure, restored,
                    rollbackIssuedAt, result);
        }

        Marker withRestartError(Optional<String> error) {
            return new Marker(step, unit, hash, state, issuedAt, grantedAt, error, healthySince, gateFailure, restored,
                    rollbackIssuedAt, result);
        }

        Marker withHealthySince(Optional<Instant> since) {
            return new Marker(step, unit, hash, state, issuedAt, grantedAt, restartError, since, gateFailure, restored,
                    rollbackIssuedAt, result);
        }

        Marker rollingBack(String why) {
            return new Marker(step, unit, hash, State.ROLLING_BACK, issuedAt, grantedAt, restartError, healthySince,
                    Optional.of(why), restored, rollbackIssuedAt, result);
        }

        Marker rollbackIssuing(String whatRestored, Instant at) {
            return new Marker(step, unit, hash, State.ROLLBACK_ISSUING, issuedAt, grantedAt, Optional.empty(), healthySince,
                    gateFailure, Optional.of(whatRestored), Optional.of(at), result);
        }

        Marker settled(State end, String message) {
            return new Marker(step, unit, hash, end, issuedAt, grantedAt, restartError, healthySince, gateFailure, restored,
                    rollbackIssuedAt, Optional.of(message));
        }

        private static <T> Optional<T> orEmpty(Optional<T> value) {
            return value == null ? Optional.empty() : value;
        }
    }

    /** As {@link #progress(StepName, String, String, StepContext, Rollback)} for a step without a rollback. */
    public Progress progress(StepName step, String unit, String hash, StepContext context) {
        return progress(step, unit, hash, context, Optional.empty());
    }

    public Progress progress(StepName step, String unit, String hash, StepContext context, Rollback rollback) {
        return progress(step, unit, hash, context, Optional.of(rollback));
    }

    private Progress progress(StepName step, String unit, String hash, StepContext context, Optional<Rollback> rollback) {
        stableAt.remove(step);
        Optional<Marker> found = read(step);
        if (found.isEmpty()) {
            return new Progress.None();
        }
        Marker marker = found.get();
        if (!marker.hash().equals(hash) || !marker.unit().equals(unit)) {
            // A restart for an older desired state: that state is gone.
            drop(marker, "superseded by another desired state");
            return new Progress.None();
        }
        if (marker.state().settled()) {
            if (grantedAgain(marker, context)) {
                files.delete(path(step)); // a new grant: the leader wants this hash tried again
                return new Progress.None();
            }
            return new Progress.Waiting(settledOutcome(marker));
        }
        if (marker.state().compareTo(State.ROLLING_BACK) >= 0) {
            Marker rolling = marker;
            return rollback.map(r -> rollingBack(rolling, context.spec().rollout(), r))
                    // a rollback under way for a step that no longer offers one (cannot happen within one version)
                    .orElseGet(() -> gateFailed(rolling, context.spec().rollout()));
        }
        Optional<Instant> since = services.activeSince(unit);
        boolean active = since.isPresent() && services.isActive(unit);
        if (marker.state() == State.ISSUING) {
            // ActiveEnterTimestamp has second resolution: compare at that resolution.
            boolean tookEffect = active && !since.get().isBefore(marker.issuedAt().truncatedTo(ChronoUnit.SECONDS));
            if (active && !tookEffect) {
                // Crashed before systemctl restart ran: no restart happened, so the window its log opened ends
                // here (the next restart opens its own, and the budget check reads only what happened).
                drop(marker, "not restarted: the node agent ended before it issued the restart");
                return new Progress.None();
            }
            if (tookEffect) {
                marker = write(marker.in(State.RESTARTED));
            }
        }
        return restarted(marker, context.spec().rollout(), rollback, since.filter(s -> active));
    }

    /** The restart was issued: is the unit active (and healthy) for long enough, or has the gate failed? */
    private Progress restarted(Marker marker, Rollout rollout, Optional<Rollback> rollback, Optional<Instant> activeSince) {
        Instant now = clock.instant();
        boolean timedOut = now.isAfter(marker.issuedAt().plus(rollout.restartTimeout()));
        String unit = marker.unit();
        if (activeSince.isEmpty()) {
            if (rollback.isPresent() && marker.restartError().isPresent()) {
                return startRollback(marker, rollout, rollback.get(), "systemctl restart " + unit + " failed: " + marker.restartError().get());
            }
            if (timedOut && rollback.isPresent()) {
                return startRollback(marker, rollout, rollback.get(), unit + " is not active " + human(rollout.restartTimeout())
                        + " after its restart");
            }
            if (timedOut) {
                return new Progress.Waiting(StepOutcome.failed(marker.hash(), Optional.empty(), StepReason.SERVICE_NOT_ACTIVE,
                        unit + " is not active " + rollout.restartTimeout() + " after its restart"
                                + marker.restartError().map(e -> " (systemctl restart failed: " + e + ")").orElse("")));
            }
            return new Progress.Waiting(StepOutcome.restarting(marker.hash(), "restarted " + unit + "; waiting until it is active"));
        }
        Optional<String> unhealthy = rollback.flatMap(Rollback::unhealthy);
        if (unhealthy.isPresent()) {
            if (marker.healthySince().isPresent()) {
                marker = write(marker.withHealthySince(Optional.empty())); // the window starts again
            }
            if (timedOut) {
                return startRollback(marker, rollout, rollback.get(), unhealthy.get() + " " + human(rollout.restartTimeout())
                        + " after its restart");
            }
            return new Progress.Waiting(StepOutcome.restarting(marker.hash(), unit + " is active but " + unhealthy.get()
                    + "; waiting (rolled back if still so " + human(rollout.restartTimeout()) + " after the restart)"));
        }
        Instant windowStart = max(activeSince.get(), marker.issuedAt());
        if (rollback.isPresent()) {
            if (marker.healthySince().isEmpty()) {
                marker = write(marker.withHealthySince(Optional.of(now)));
            }
            windowStart = max(windowStart, marker.healthySince().get());
        }
        Instant stableFrom = windowStart.plus(rollout.stabilityPeriod());
        if (now.isBefore(stableFrom)) {
            stableAt.put(marker.step(), stableFrom);
            return new Progress.Waiting(StepOutcome.restarting(marker.hash(), unit + " is active"
                    + (rollback.isPresent() ? " and healthy" : "") + "; waiting until it has been stable for " + rollout.stabilityPeriod()));
        }
        return new Progress.Stable();
    }

    private Progress startRollback(Marker marker, Rollout rollout, Rollback rollback, String why) {
        Marker rolling = write(marker.rollingBack(why));
        crashPoints.reached("rollback.decided");
        return rollingBack(rolling, rollout, rollback);
    }

    /**
     * From {@code ROLLING_BACK} on: restore, restart once, wait until active. Each state can be found
     * again by a new node agent after a crash; the restart is issued at most once per decision.
     */
    private Progress rollingBack(Marker marker, Rollout rollout, Rollback rollback) {
        String unit = marker.unit();
        if (marker.state() == State.ROLLING_BACK) {
            String restored = rollback.restore();
            crashPoints.reached("rollback.restored");
            marker = write(marker.rollbackIssuing(restored, clock.instant()));
            marker = issueRollbackRestart(marker, false);
        } else if (marker.state() == State.ROLLBACK_ISSUING) {
            marker = resumeRollbackRestart(marker);
        }
        boolean active = services.isActive(unit);
        Optional<String> notBack = active ? rollback.unhealthyAfterRestore() : Optional.empty();
        if (active && notBack.isEmpty()) {
            return settle(marker, State.ROLLED_BACK, StepReason.ROLLED_BACK, rollback.change(), unit + " is active");
        }
        if (clock.instant().isAfter(marker.rollbackIssuedAt().orElseThrow().plus(rollout.restartTimeout()))) {
            String state = notBack.isPresent()
                    ? unit + " is active but " + notBack.get() + " " + human(rollout.restartTimeout()) + " later"
                    : unit + " is still not active " + human(rollout.restartTimeout()) + " later"
                            + marker.restartError().map(e -> " (" + e + ")").orElse("");
            return settle(marker, State.ROLLBACK_FAILED, StepReason.ROLLBACK_FAILED, rollback.change(),
                    state + "; it stays down with the restored files until someone looks at it (journalctl -u " + unit + ")");
        }
        return new Progress.Waiting(StepOutcome.restarting(marker.hash(), failureNote(marker, rollback.change()) + "; "
                + marker.restored().orElse("") + " and restarted " + unit + "; waiting until it is "
                + notBack.map(why -> "back (" + why + ")").orElse("active")));
    }

    /**
     * Restarts the unit for the rollback: {@code restart} when it runs (it must read the restored
     * files), {@code start} when it does not (nothing runs that a start could disturb; a start
     * already in progress is joined, not repeated).
     */
    private Marker issueRollbackRestart(Marker marker, boolean unitRunning) {
        crashPoints.reached("rollback.before");
        Optional<String> error = Optional.empty();
        try {
            if (unitRunning || services.isActive(marker.unit())) {
                services.restart(marker.unit());
            } else {
                services.start(marker.unit());
            }
        } catch (StepFailure failure) {
            error = Optional.of(failure.getMessage());
        }
        crashPoints.reached("rollback.after");
        Marker restarted = write(marker.in(State.ROLLBACK_RESTARTED).withRestartError(error));
        crashPoints.reached("rollback.marked");
        return restarted;
    }

    /** A node agent found {@code ROLLBACK_ISSUING}: did the rollback's restart happen? */
    private Marker resumeRollbackRestart(Marker marker) {
        Optional<Instant> since = services.activeSince(marker.unit());
        boolean active = since.isPresent() && services.isActive(marker.unit());
        Instant issued = marker.rollbackIssuedAt().orElseThrow().truncatedTo(ChronoUnit.SECONDS);
        if (active && !since.get().isBefore(issued)) {
            return write(marker.in(State.ROLLBACK_RESTARTED)); // it happened
        }
        // Running since before the decision: the restart never ran. Not running: a start harms nothing.
        return issueRollbackRestart(marker, active);
    }

    private Progress settle(Marker marker, State end, StepReason reason, String change, String unitState) {
        String message = failureNote(marker, change) + "; " + marker.restored().orElse("restored nothing") + " and restarted "
                + marker.unit() + ": " + unitState;
        Marker settled = write(marker.settled(end, message));
        disruptions.end(settled.step(), settled.hash(), (end == State.ROLLED_BACK ? "rolled back: " : "rollback failed: ")
                + settled.gateFailure().orElse(""));
        return new Progress.Waiting(StepOutcome.failed(settled.hash(), Optional.empty(), reason, message));
    }

    private static String failureNote(Marker marker, String change) {
        return marker.unit() + " did not come back with " + change + " (" + marker.gateFailure().orElse("health gate failed") + ")";
    }

    private static StepOutcome settledOutcome(Marker marker) {
        StepReason reason = marker.state() == State.ROLLED_BACK ? StepReason.ROLLED_BACK : StepReason.ROLLBACK_FAILED;
        return StepOutcome.failed(marker.hash(), Optional.empty(), reason, marker.result().orElse(marker.state().name())
                + "; not tried again at this desired state until the leader grants a new restart");
    }

    /** The marker of a step without a rollback found mid-rollback: report, never restart. */
    private Progress gateFailed(Marker marker, Rollout rollout) {
        return new Progress.Waiting(StepOutcome.failed(marker.hash(), Optional.empty(), StepReason.SERVICE_NOT_ACTIVE,
                marker.unit() + " did not come back within " + rollout.restartTimeout() + " ("
                        + marker.gateFailure().orElse("") + ")"));
    }

    /** A grant for this step and hash other than the one the settled restart was made under. */
    private static boolean grantedAgain(Marker marker, StepContext context) {
        Optional<RestartGrant> grant = context.plan().restartGrant();
        return context.plan().grants(marker.step(), marker.hash())
                && !grant.map(RestartGrant::grantedAt).equals(marker.grantedAt());
    }

    /**
     * The step must restart {@code unit} to reach {@code hash}: without a matching grant it reports
     * AWAITING_RESTART; with one it restarts now and reports RESTARTING.
     */
    public StepOutcome restart(StepName step, String unit, String hash, Optional<String> observedHash, StepContext context) {
        return restart(step, unit, hash, observedHash, context, () -> { }, Optional.empty());
    }

    /**
     * As {@link #restart(StepName, String, String, Optional, StepContext)}, running {@code prepare}
     * only once granted, after the marker and before the restart: a step that must not change what a
     * running service will pick up before it may restart it (the etcd proxy's unit file) does it there.
     */
    public StepOutcome restart(StepName step, String unit, String hash, Optional<String> observedHash, StepContext context,
                               Runnable prepare) {
        return restart(step, unit, hash, observedHash, context, prepare, Optional.empty());
    }

    /**
     * As {@link #restart(StepName, String, String, Optional, StepContext)} for a step that can undo
     * its change: when {@code systemctl restart} fails and the unit is down, the rollback starts at once.
     */
    public StepOutcome restart(StepName step, String unit, String hash, Optional<String> observedHash, StepContext context,
                               Rollback rollback) {
        return restart(step, unit, hash, observedHash, context, () -> { }, Optional.of(rollback));
    }

    /** Both: {@code prepare} once granted (the new unit file), and a rollback when the gate fails. */
    public StepOutcome restart(StepName step, String unit, String hash, Optional<String> observedHash, StepContext context,
                               Runnable prepare, Rollback rollback) {
        return restart(step, unit, hash, observedHash, context, prepare, Optional.of(rollback));
    }

    private StepOutcome restart(StepName step, String unit, String hash, Optional<String> observedHash, StepContext context,
                                Runnable prepare, Optional<Rollback> rollback) {
        if (!context.plan().grants(step, hash)) {
            return StepOutcome.awaitingRestart(hash, observedHash, unit);
        }
        RestartGrant grant = context.plan().restartGrant().orElseThrow();
        if (grant.waitsAt(clock.instant())) {
            // rollout.drain: the slot is held while the other frameworks move their tasks; look again when it ends
            Instant until = grant.notBefore().orElseThrow();
            stableAt.put(step, until);
            return StepOutcome.draining(hash, observedHash, unit, until, context.spec().rollout().drain().timeout());
        }
        Optional<Instant> grantedAt = Optional.of(grant.grantedAt());
        Marker issuing = write(Marker.issuing(step, unit, hash, clock.instant(), grantedAt));
        prepare.run();
        disruptions.begin(step, hash, "restart " + unit);
        crashPoints.reached("restart.before");
        Optional<String> error = Optional.empty();
        try {
            services.restart(unit);
        } catch (StepFailure failure) {
            if (rollback.isEmpty()) {
                throw failure;
            }
            error = Optional.of(failure.getMessage());
        }
        crashPoints.reached("restart.after");
        Marker restarted = write(issuing.in(State.RESTARTED).withRestartError(error));
        crashPoints.reached("restart.marked");
        if (error.isPresent()) {
            Progress now = progress(step, unit, hash, context, rollback);
            if (now instanceof Progress.Waiting waiting) {
                return waiting.outcome();
            }
        }
        return StepOutcome.restarting(restarted.hash(), "restarted " + unit + "; waiting until it is active and stable");
    }

    /**
     * When the first restarted service still in its stability period will have been stable long
     * enough, or the first drain ends, as of the last pass: the node agent looks again then rather
     * than at its next recheck.
     */
    public Optional<Instant> nextStableAt() {
        return stableAt.values().stream().min(Instant::compareTo);
    }

    /** The restart did its job: forget it, and close its disruption window. */
    public void finish(StepName step) {
        stableAt.remove(step);
        read(step).ifPresent(marker -> drop(marker, "done: " + marker.unit() + " active and stable"));
    }

    /** The desired hash of the restart in progress for this step, if one is (a settled rollback is not). */
    public Optional<String> underWayAt(StepName step) {
        return read(step).filter(m -> !m.state().settled()).map(Marker::hash);
    }

    /** Deletes the marker; a window still open (not settled by a rollback) ends here. */
    private void drop(Marker marker, String why) {
        if (!marker.state().settled()) {
            disruptions.end(marker.step(), marker.hash(), why);
        }
        files.delete(path(marker.step()));
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

    /** {@code PT5M} → {@code 5m}, {@code PT1M30S} → {@code 1m30s}. */
    static String human(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
