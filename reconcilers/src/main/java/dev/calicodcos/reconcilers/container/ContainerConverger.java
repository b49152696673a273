package dev.calicodcos.reconcilers.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.RestartGrant;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.Rollout;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.ContainerSpec;
import dev.calicodcos.reconcilers.host.ContainerState;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes one named container match its rendered config, safely. The rendered hash is a label on the
 * container: an equal label means "leave it alone" (start it if it stopped). A different one means
 * the container must be replaced, which disturbs the agent (BGP sessions drop, the plugin stops
 * answering Docker), so it is done under the leader's grant like a service restart:
 * <ol>
 *   <li>make before break: the new image is pulled first; a failed pull leaves the old container running;</li>
 *   <li>the old container's definition (image by content id) is kept on the host, then it is
 *       removed and the new one started;</li>
 *   <li>the step is done only once the new container has passed its readiness checks for the whole
 *       stability period; if it is not ready within the restart timeout, the new container is
 *       removed, the previous one created again and checked, and the step reports {@code RolledBack}
 *       without trying that hash again under the same grant.</li>
 * </ol>
 * A first install replaces nothing and needs no grant; it is gated the same way, and "putting it
 * back" means removing the container that never got ready. One that vanishes (its node agent died
 * before Docker created it, or someone removed it) is installed again: there is nothing to go back to.
 */
public final class ContainerConverger {
    public static final String HASH_LABEL = "dev.calicodcos.config-hash";
    public static final String MANAGED_LABEL = "dev.calicodcos.managed";
    static final String MARKER_DIR = "/var/lib/calico-dcos/containers";

    private final DockerEngine docker;
    private final HostFiles files;
    private final ReadinessProbe probe;
    private final DisruptionLog disruptions;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    /** Per step, since when the gated container has been ready without a break (between passes only). */
    private final Map<StepName, Instant> readySince = new HashMap<>();

    public ContainerConverger(DockerEngine docker, HostFiles files, ReadinessProbe probe, DisruptionLog disruptions, Clock clock) {
        this.docker = docker;
        this.files = files;
        this.probe = probe;
        this.disruptions = disruptions;
        this.clock = clock;
    }

    /**
     * One pass towards {@code desired}.
     *
     * @param readiness the step's readiness checks for a container with the given environment (the
     *                  previous container is checked with its own environment's checks)
     */
    public StepOutcome converge(StepName step, ContainerDesired desired, Function<Map<String, String>, List<ReadinessCheck>> readiness,
                                StepContext context) {
        Optional<ContainerSwap> swap = read(step);
        if (swap.isPresent() && !swap.get().hash().equals(desired.hash()) && settledSwap(swap.get())) {
            files.delete(path(step)); // a newer desired state: the old outcome no longer applies
            swap = Optional.empty();
        }
        if (swap.isPresent()) {
            Optional<StepOutcome> going = resume(swap.get(), desired, readiness, context);
            if (going.isPresent()) {
                return going.get();
            }
        }
        Optional<ContainerState> current = docker.inspect(desired.name());
        Optional<String> observed = current.map(c -> c.labels().getOrDefault(HASH_LABEL, "unlabelled"));
        if (current.isPresent() && observed.get().equals(desired.hash())) {
            if (!current.get().running()) {
                docker.start(current.get().id());
            }
            return running(desired, "container " + desired.name() + " runs the desired config");
        }
        if (current.isEmpty()) {
            docker.ensureImage(desired.image());
            // Marked before Docker is asked, so that a node agent that dies half way creates or starts it after it restarts.
            // A refusal leaves the mark: the next pass tries again, and no gate runs until the container was started.
            ContainerSwap first = new ContainerSwap(step, desired.hash(), Optional.empty(), Optional.empty(),
                    ContainerSwap.State.REPLACING, clock.instant(), "");
            write(first);
            return replace(first, desired);
        }
        Optional<RestartGrant> grant = context.plan().restartGrant().filter(g -> g.step() == step && g.desiredHash().equals(desired.hash()));
        if (grant.isEmpty()) {
            return new StepOutcome(StepPhase.AWAITING_RESTART, desired.hash(), observed, Optional.of(StepReason.AWAITING_RESTART_GRANT),
                    "must replace container " + desired.name() + " (" + current.get().image() + " → " + desired.image()
                            + "); waiting for a restart grant at this hash");
        }
        try {
            docker.ensureImage(desired.image()); // make before break: the old container is untouched until the image is here
        } catch (StepFailure pull) {
            // Reported at the granted hash, so that the agent keeps its slot (and counts as failed) while it retries.
            return StepOutcome.failed(desired.hash(), observed, pull.reason(), pull.getMessage() + "; container " + desired.name()
                    + " still runs " + current.get().image());
        }
        ContainerSwap replacing = new ContainerSwap(step, desired.hash(), Optional.of(current.get().definition()),
                Optional.of(grant.get().grantedAt()), ContainerSwap.State.REPLACING, clock.instant(), "");
        write(replacing);
        disruptions.begin(step, desired.hash(), "replace container " + desired.name() + " " + current.get().image()
                + " → " + desired.image());
        return replace(replacing, desired);
    }

    /** Goes on with a change a pass (maybe of an earlier node agent) left under way; empty when it is over. */
    private Optional<StepOutcome> resume(ContainerSwap swap, ContainerDesired desired,
                                         Function<Map<String, String>, List<ReadinessCheck>> readiness, StepContext context) {
        return switch (swap.state()) {
            case REPLACING -> swap.hash().equals(desired.hash()) ? Optional.of(resumeReplacing(swap, desired)) : abandon(swap, desired);
            case STARTED -> gate(swap, desired, readiness, context.spec().rollout());
            case ROLLING_BACK -> Optional.of(rollBack(swap, desired, readiness, context.spec().rollout()));
            case ROLLED_BACK, ROLLBACK_FAILED -> {
                Optional<Instant> grantedAt = context.plan().restartGrant()
                        .filter(g -> g.step() == swap.step() && g.desiredHash().equals(swap.hash()))
                        .map(RestartGrant::grantedAt);
                if (swap.disruptive() && grantedAt.isPresent() && !grantedAt.equals(swap.grantedAt())) {
                    files.delete(path(swap.step())); // a new grant: the leader lets it try once more
                    yield Optional.empty();
                }
                yield Optional.of(StepOutcome.failed(desired.hash(), observedHash(desired.name()),
                        swap.state() == ContainerSwap.State.ROLLED_BACK ? StepReason.ROLLED_BACK : StepReason.ROLLBACK_FAILED,
                        swap.message()));
            }
        };
    }

    /** A replacement (or first install) whose node agent died before it was started; a repeated begin is the same window. */
    private StepOutcome resumeReplacing(ContainerSwap swap, ContainerDesired desired) {
        if (swap.disruptive()) {
            // the node agent may have died between marking the change and logging its window
            disruptions.begin(swap.step(), swap.hash(), "replace container " + desired.name() + " (resumed)");
        }
        return replace(swap, desired).withNote("resumed");
    }

    /**
     * A replacement cut short (the node agent died before starting the new container) whose target
     * is no longer wanted: the previous container is put back if nothing runs, and the change is
     * forgotten so that the newer desired state starts over under its own grant.
     */
    private Optional<StepOutcome> abandon(ContainerSwap swap, ContainerDesired desired) {
        if (docker.inspect(desired.name()).isEmpty()) {
            swap.previous().ifPresent(docker::run);
        }
        files.delete(path(swap.step()));
        if (swap.disruptive()) {
            disruptions.end(swap.step(), swap.hash(), "superseded by a newer desired state");
        }
        return Optional.empty();
    }

    /**
     * Removes what runs under the name unless it is already the new container, and starts the new
     * one; idempotent, so that a pass after a node agent died half way finishes it.
     */
    private StepOutcome replace(ContainerSwap swap, ContainerDesired desired) {
        Optional<ContainerState> current = docker.inspect(desired.name());
        Optional<ContainerState> created = current.filter(c -> swap.hash().equals(c.labels().get(HASH_LABEL)));
        if (created.isEmpty()) {
            current.ifPresent(c -> docker.remove(c.id()));
            docker.run(toSpec(desired));
        } else if (!created.get().running()) {
            startCreated(created.get());
        }
        write(swap.to(ContainerSwap.State.STARTED, clock.instant(), ""));
        return swap.disruptive()
                ? StepOutcome.restarting(desired.hash(), "replaced container " + desired.name() + "; waiting until it is ready and stable")
                : StepOutcome.applying(desired.hash(), Optional.empty(), "container " + desired.name() + " created; waiting until it is ready");
    }

    /** A container created by a node agent that died before starting it; Docker refuses one it is restarting already. */
    private void startCreated(ContainerState container) {
        try {
            docker.start(container.id());
        } catch (StepFailure alreadyStarting) {
            // the readiness gate judges it from here
        }
    }

    /** The readiness gate: done after the checks held for the stability period; rollback after the restart timeout. */
    private Optional<StepOutcome> gate(ContainerSwap swap, ContainerDesired desired,
                                       Function<Map<String, String>, List<ReadinessCheck>> readiness, Rollout rollout) {
        Instant now = clock.instant();
        Optional<ContainerState> current = docker.inspect(desired.name());
        Optional<String> problem = notReady(current, readiness);
        if (problem.isEmpty()) {
            Instant since = readySince.computeIfAbsent(swap.step(), s -> now);
            if (!now.isBefore(since.plus(rollout.stabilityPeriod()))) {
                readySince.remove(swap.step());
                files.delete(path(swap.step()));
                if (swap.disruptive()) {
                    disruptions.end(swap.step(), swap.hash(), "ready and stable");
                }
                return swap.hash().equals(desired.hash())
                        ? Optional.of(StepOutcome.done(desired.hash(), "container " + desired.name() + " is ready and was stable for "
                                + rollout.stabilityPeriod()))
                        : Optional.empty();
            }
            return Optional.of(waiting(swap, desired.hash(), "container " + desired.name() + " is ready; waiting until it has been for "
                    + rollout.stabilityPeriod()));
        }
        readySince.remove(swap.step());
        if (current.isEmpty() && !swap.disruptive()) {
            files.delete(path(swap.step())); // a first install removed under our feet: nothing to roll back to, so install again
            return Optional.empty();
        }
        if (now.isAfter(swap.since().plus(rollout.restartTimeout()))) {
            String why = "container " + desired.name() + " was not ready " + rollout.restartTimeout() + " after it started: "
                    + problem.get();
            ContainerSwap rolling = swap.to(ContainerSwap.State.ROLLING_BACK, now, why);
            write(rolling);
            return Optional.of(rollBack(rolling, desired, readiness, rollout));
        }
        // Reported at the newest desired hash: a newer desired state waits here until this change has finished.
        return Optional.of(waiting(swap, desired.hash(), "container " + desired.name() + " is not ready yet: " + problem.get()));
    }

    /** Removes the new container and creates the previous one again; RolledBack once that one is ready. */
    private StepOutcome rollBack(ContainerSwap swap, ContainerDesired desired,
                                 Function<Map<String, String>, List<ReadinessCheck>> readiness, Rollout rollout) {
        String name = desired.name();
        Optional<ContainerState> current = docker.inspect(name);
        boolean previousRuns = current.isPresent() && swap.previous().isPresent()
                && current.get().imageId().equals(swap.previous().get().image())
                && !swap.hash().equals(current.get().labels().get(HASH_LABEL));
        if (!previousRuns) {
            current.ifPresent(c -> docker.remove(c.id()));
            if (swap.previous().isEmpty()) {
                return rolledBack(swap, desired, ContainerSwap.State.ROLLED_BACK, swap.message() + "; removed it (nothing ran before)");
            }
            docker.run(swap.previous().get());
            current = docker.inspect(name);
        }
        Optional<String> problem = notReady(current, readiness);
        String previous = "the previous container (" + describe(swap.previous().get()) + ")";
        if (problem.isEmpty()) {
            return rolledBack(swap, desired, ContainerSwap.State.ROLLED_BACK, swap.message() + "; put back " + previous + ": ready");
        }
        if (clock.instant().isAfter(swap.since().plus(rollout.restartTimeout()))) {
            return rolledBack(swap, desired, ContainerSwap.State.ROLLBACK_FAILED, swap.message() + "; put back " + previous
                    + " but it is not ready either: " + problem.get());
        }
        return waiting(swap, desired.hash(), swap.message() + "; putting back " + previous + ", not ready yet: " + problem.get());
    }

    private StepOutcome rolledBack(ContainerSwap swap, ContainerDesired desired, ContainerSwap.State state, String message) {
        write(swap.to(state, clock.instant(), message));
        if (swap.disruptive()) {
            disruptions.end(swap.step(), swap.hash(), state == ContainerSwap.State.ROLLED_BACK ? "rolled back" : "rollback failed");
        }
        return StepOutcome.failed(desired.hash(), observedHash(desired.name()),
                state == ContainerSwap.State.ROLLED_BACK ? StepReason.ROLLED_BACK : StepReason.ROLLBACK_FAILED, message);
    }

    /** While a change is watched: RESTARTING when it holds a slot (it replaced a container), APPLYING on a first install. */
    private static StepOutcome waiting(ContainerSwap swap, String desiredHash, String message) {
        return swap.disruptive() ? StepOutcome.restarting(desiredHash, message)
                : StepOutcome.applying(desiredHash, Optional.empty(), message);
    }

    private Optional<String> notReady(Optional<ContainerState> current, Function<Map<String, String>, List<ReadinessCheck>> readiness) {
        if (current.isEmpty()) {
            return Optional.of("it is gone");
        }
        if (!current.get().running()) {
            return Optional.of("it is not running (see docker logs " + current.get().definition().name() + ")");
        }
        return probe.failing(readiness.apply(current.get().definition().env()));
    }

    private static boolean settledSwap(ContainerSwap swap) {
        return swap.state() == ContainerSwap.State.ROLLED_BACK || swap.state() == ContainerSwap.State.ROLLBACK_FAILED;
    }

    private Optional<String> observedHash(String name) {
        return docker.inspect(name).map(c -> c.labels().getOrDefault(HASH_LABEL, "unlabelled"));
    }

    private StepOutcome running(ContainerDesired desired, String message) {
        Optional<ContainerState> now = docker.inspect(desired.name());
        if (now.isPresent() && now.get().running()) {
            return StepOutcome.done(desired.hash(), message);
        }
        return StepOutcome.applying(desired.hash(), Optional.of(desired.hash()),
                "container " + desired.name() + " is not running (docker restarts it; see docker logs " + desired.name() + ")");
    }

    /**
     * The desired hash of a replacement of this step's container being watched or put back, if one
     * is (a paused plan lets it finish). A first install disturbs nothing and holds no slot: not one.
     */
    public Optional<String> underWayAt(StepName step) {
        return read(step).filter(swap -> swap.disruptive() && !settledSwap(swap)).map(ContainerSwap::hash);
    }

    /**
     * Makes the container absent. Stopping a running Calico container disturbs the agent like
     * replacing it, so that takes a grant too (at the removal's hash); a stopped one goes at once.
     */
    public StepOutcome remove(StepName step, String name, StepContext context) {
        String hash = DesiredHash.of(Map.of("step", step.id(), "removed", true));
        Optional<ContainerState> ours = docker.inspect(name).filter(c -> c.labels().containsKey(MANAGED_LABEL));
        if (ours.isPresent() && ours.get().running()) {
            if (!context.plan().grants(step, hash)) {
                return new StepOutcome(StepPhase.AWAITING_RESTART, hash, Optional.of(ours.get().labels().getOrDefault(HASH_LABEL, "")),
                        Optional.of(StepReason.AWAITING_RESTART_GRANT), "must remove container " + name
                                + " (" + ours.get().image() + "); waiting for a restart grant");
            }
            disruptions.begin(step, hash, "remove container " + name + " " + ours.get().image());
            docker.remove(ours.get().id());
            disruptions.end(step, hash, "removed");
        } else {
            ours.ifPresent(c -> docker.remove(c.id()));
        }
        files.delete(path(step));
        readySince.remove(step);
        return StepOutcome.removed(hash, "container " + name + " removed");
    }

    private static String describe(ContainerSpec spec) {
        String image = spec.image();
        return "image " + (image.length() > 19 ? image.substring(0, 19) : image);
    }

    private ContainerSpec toSpec(ContainerDesired desired) {
        Map<String, String> binds = new LinkedHashMap<>();
        desired.binds().forEach((host, container) -> binds.put(files.resolve(host).toString(), container));
        Map<String, String> labels = Map.of(HASH_LABEL, desired.hash(), MANAGED_LABEL, "true");
        return new ContainerSpec(desired.name(), desired.image(), desired.env(), binds, desired.privileged(), desired.networkMode(),
                desired.restartPolicy(), labels, desired.limits());
    }

    private Optional<ContainerSwap> read(StepName step) {
        return files.read(path(step)).flatMap(bytes -> {
            try {
                return Optional.of(json.readValue(bytes, ContainerSwap.class));
            } catch (IOException e) {
                files.delete(path(step)); // atomic writes cannot tear it; an unreadable one is from another version
                return Optional.empty();
            }
        });
    }

    private void write(ContainerSwap swap) {
        try {
            files.createDirectories(MARKER_DIR);
            files.write(path(swap.step()), json.writeValueAsString(swap).getBytes(StandardCharsets.UTF_8), "rw-------");
        } catch (IOException e) {
            throw new StepFailure(StepReason.HOST_FILE_UNWRITABLE, "cannot write the container change marker: " + e.getMessage(), e);
        }
    }

    private static String path(StepName step) {
        return MARKER_DIR + "/" + step.id() + ".json";
    }
}
