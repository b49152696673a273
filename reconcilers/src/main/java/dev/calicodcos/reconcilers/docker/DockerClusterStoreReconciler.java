package dev.calicodcos.reconcilers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.DockerClusterStoreStep;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.spec.TlsFiles;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.DockerInfo;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.RollbackPoint;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import dev.calicodcos.reconcilers.step.Versions;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Step 2: Docker's cluster store. Merges the keys into daemon.json (only when the parsed JSON
 * differs, keeping every other key and its order), then gets docker to use them: a reload where the
 * spec asks for one, a restart (with a grant) when docker still does not show the store in
 * {@code docker info}. Docker ≥ 23 has no cluster store and is left untouched.
 *
 * <p>The values it wrote are recorded in {@code /var/lib/calico-dcos/docker-cluster-store.json}
 * before daemon.json changes, so that a later value of ours can replace an earlier one while any
 * other existing {@code cluster-store} is a conflict, and so that {@link #remove} takes out exactly
 * what we added.
 *
 * <p>A restart is guarded: docker must be active and {@code docker info} must show the store for the
 * whole stability period. When that gate fails the restart gate has this step put daemon.json back
 * as docker last ran it ({@link RollbackPoint}, kept before our change) and restarts docker once more:
 * {@code RolledBack}, not tried again under the same grant.
 */
public final class DockerClusterStoreReconciler implements StepReconciler {
    static final String OWNED = "/var/lib/calico-dcos/docker-cluster-store.json";
    static final String RELOADED = "/var/lib/calico-dcos/docker-reloaded";
    static final String ROLLBACK_POINT = "/var/lib/calico-dcos/docker-daemon-json.last-good.json";
    private static final String UNIT = "docker";
    private static final String PREVIOUS_STORES = "previousStores";

    private final HostFiles files;
    private final Services services;
    private final DockerEngine docker;
    private final RestartGate gate;
    private final CrashPoints crashPoints;
    private final RollbackPoint rollbackPoint;

    public DockerClusterStoreReconciler(HostFiles files, Services services, DockerEngine docker,
                                        RestartGate gate, CrashPoints crashPoints) {
        this.files = files;
        this.services = services;
        this.docker = docker;
        this.gate = gate;
        this.crashPoints = crashPoints;
        this.rollbackPoint = new RollbackPoint(files, ROLLBACK_POINT);
    }

    @Override
    public StepName name() {
        return StepName.DOCKER_CLUSTER_STORE;
    }

    /** Pure: the keys this agent's daemon.json must hold. */
    public static DockerStoreDesired render(CalicoClusterSpec spec, AgentFacts facts) {
        DockerClusterStoreStep step = spec.dockerClusterStore();
        ObjectNode keys = DaemonJson.mapper().createObjectNode();
        keys.put(DockerStoreDesired.CLUSTER_STORE, step.clusterStore().orElseGet(() -> storeFrom(spec.etcd().endpoints())));
        step.clusterAdvertise().ifPresent(a -> keys.put("cluster-advertise", a));
        if (step.clusterStore().isEmpty()) {
            spec.etcd().tls().ifPresent(tls -> {
                ObjectNode opts = storeOpts(tls);
                if (!opts.isEmpty()) {
                    keys.set("cluster-store-opts", opts);
                }
            });
        }
        String hash = DesiredHash.of(Map.of("daemonConfig", step.daemonConfig(), "keys", keys));
        return new DockerStoreDesired(step.daemonConfig(), keys, step.applyMethod(), step.takeOver(), hash);
    }

    /** {@code http://a:2379,https://b:2379} → {@code etcd://a:2379,b:2379}. */
    static String storeFrom(List<String> endpoints) {
        return "etcd://" + endpoints.stream()
                .map(e -> e.replaceFirst("^https?://", "").replaceFirst("/$", ""))
                .collect(Collectors.joining(","));
    }

    private static ObjectNode storeOpts(TlsFiles tls) {
        ObjectNode opts = DaemonJson.mapper().createObjectNode();
        tls.caFile().ifPresent(f -> opts.put("kv.cacertfile", f));
        tls.certFile().ifPresent(f -> opts.put("kv.certfile", f));
        tls.keyFile().ifPresent(f -> opts.put("kv.keyfile", f));
        return opts;
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        DockerStoreDesired desired = render(context.spec(), context.facts());
        String hash = desired.hash();
        RestartGate.Rollback rollback = new DaemonJsonRollback(desired);
        // First: a restart under way (or rolled back) is followed up before docker is asked anything (it may be down).
        RestartGate.Progress progress = gate.progress(name(), UNIT, hash, context, rollback);
        if (progress instanceof RestartGate.Progress.Waiting waiting) {
            return waiting.outcome();
        }
        DockerInfo info = docker.info();
        if (Versions.atLeast(info.serverVersion(), 23, 0).orElse(false)) {
            return StepOutcome.unsupported(hash, StepReason.DOCKER_TOO_NEW,
                    "Docker " + info.serverVersion() + " has no cluster store (removed in 23.0); nothing changed");
        }
        ObjectNode current = DaemonJson.parse(desired.daemonConfig(), files.read(desired.daemonConfig()));
        Optional<StepOutcome> conflict = conflict(desired, current);
        if (conflict.isPresent()) {
            return conflict.get();
        }
        ObjectNode merged = DaemonJson.merged(current, desired.keys());
        if (!merged.equals(current)) {
            rollbackPoint.keep(desired.daemonConfig());
            recordOwned(desired.keys());
            files.write(desired.daemonConfig(), DaemonJson.print(merged), "rw-r--r--");
            crashPoints.reached("docker.daemon-json-written");
        }
        Optional<String> observed = Optional.of(observedHash(desired, info));
        if (storeActive(desired, info)) {
            gate.finish(name());
            rollbackPoint.forget(); // docker runs this daemon.json: it is the next rollback point
            return StepOutcome.done(hash, "docker uses cluster store " + desired.clusterStore());
        }
        if (progress instanceof RestartGate.Progress.Stable) {
            return StepOutcome.failed(hash, observed, StepReason.RESTART_DID_NOT_APPLY, "docker was restarted but reports cluster store "
                    + info.clusterStore().orElse("(none)") + " instead of " + desired.clusterStore());
        }
        if (desired.applyMethod() == DockerClusterStoreStep.ApplyMethod.RELOAD && !reloadedAt(hash)) {
            Optional<String> notApplied = reload(desired);
            files.createDirectories("/var/lib/calico-dcos");
            files.write(RELOADED, hash.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
            if (notApplied.isEmpty()) {
                rollbackPoint.forget();
                return StepOutcome.done(hash, "docker picked up cluster store " + desired.clusterStore() + " on reload");
            }
            // A reload that fails or does not apply the store is no reason to give up: a restart will.
            return restart(hash, observed, context, rollback, info).withNote(notApplied.get());
        }
        return restart(hash, observed, context, rollback, info);
    }

    /** Through the gate; a restart issued says whether the containers on this agent survive it. */
    private StepOutcome restart(String hash, Optional<String> observed, StepContext context, RestartGate.Rollback rollback,
                                DockerInfo before) {
        StepOutcome outcome = gate.restart(name(), UNIT, hash, observed, context, rollback);
        if (outcome.phase() != StepPhase.RESTARTING) {
            return outcome;
        }
        String containers = before.liveRestoreEnabled() ? "live-restore on: containers keep running"
                : "live-restore off: containers on this agent are stopped and restarted by their policies";
        return new StepOutcome(outcome.phase(), outcome.desiredHash(), outcome.observedHash(), outcome.reason(),
                outcome.message() + " (" + containers + ")");
    }

    /** The restart gate's view of this step: docker info must show the store; a rollback restores daemon.json. */
    private final class DaemonJsonRollback implements RestartGate.Rollback {
        private final DockerStoreDesired desired;

        DaemonJsonRollback(DockerStoreDesired desired) {
            this.desired = desired;
        }

        @Override
        public String change() {
            return "the new " + desired.daemonConfig();
        }

        @Override
        public Optional<String> unhealthy() {
            try {
                DockerInfo info = docker.info();
                return storeActive(desired, info) ? Optional.empty() : Optional.of("docker info shows cluster store "
                        + info.clusterStore().orElse("(none)") + ", not " + desired.clusterStore());
            } catch (StepFailure failure) {
                return Optional.of("docker does not answer (" + failure.getMessage() + ")");
            }
        }

        @Override
        public String restore() {
            return rollbackPoint.restore(desired.daemonConfig());
        }
    }

    /** {@code systemctl reload docker}; empty when docker then uses the store, else why it does not. */
    private Optional<String> reload(DockerStoreDesired desired) {
        try {
            services.reload(UNIT);
        } catch (StepFailure failure) {
            return Optional.of("reloading docker failed (" + failure.getMessage() + ")");
        }
        try {
            DockerInfo after = docker.info();
            return storeActive(desired, after) ? Optional.empty() : Optional.of("docker reports cluster store "
                    + after.clusterStore().orElse("(none)") + " after a reload");
        } catch (StepFailure failure) {
            return Optional.of("docker did not answer after a reload (" + failure.getMessage() + ")");
        }
    }

    /** An existing cluster-store we did not write is the user's: never silently replaced. */
    private Optional<StepOutcome> conflict(DockerStoreDesired desired, ObjectNode current) {
        JsonNode existing = current.get(DockerStoreDesired.CLUSTER_STORE);
        if (existing == null || existing.equals(desired.key(DockerStoreDesired.CLUSTER_STORE)) || desired.takeOver()) {
            return Optional.empty();
        }
        if (ourStores().contains(existing.asText())) {
            return Optional.empty();
        }
        return Optional.of(StepOutcome.failed(desired.hash(), Optional.empty(), StepReason.CLUSTER_STORE_CONFLICT,
                desired.daemonConfig() + " already has cluster-store " + existing + "; set dockerClusterStore.takeOver"
                        + " to replace it with " + desired.clusterStore()));
    }

    private static boolean storeActive(DockerStoreDesired desired, DockerInfo info) {
        return info.clusterStore().equals(Optional.of(desired.clusterStore()));
    }

    private static String observedHash(DockerStoreDesired desired, DockerInfo info) {
        if (storeActive(desired, info)) {
            return desired.hash();
        }
        return DesiredHash.of(Map.of("daemonConfig", desired.daemonConfig(), "active", info.clusterStore().orElse("")));
    }

    private boolean reloadedAt(String hash) {
        return files.read(RELOADED).map(b -> new String(b, StandardCharsets.UTF_8).equals(hash)).orElse(false);
    }

    private ObjectNode owned() {
        return files.read(OWNED).map(b -> DaemonJson.parse(OWNED, Optional.of(b))).orElseGet(() -> DaemonJson.mapper().createObjectNode());
    }

    /** Every cluster-store value we have written (the latest and the earlier ones). */
    private Set<String> ourStores() {
        ObjectNode owned = owned();
        Set<String> stores = new HashSet<>();
        Optional.ofNullable(owned.get(DockerStoreDesired.CLUSTER_STORE)).ifPresent(v -> stores.add(v.asText()));
        Optional.ofNullable(owned.get(PREVIOUS_STORES)).ifPresent(list -> list.forEach(v -> stores.add(v.asText())));
        return stores;
    }

    /** Adds our new values to the record before daemon.json changes; earlier stores stay ours. */
    private void recordOwned(ObjectNode keys) {
        ObjectNode record = owned();
        ArrayNode previous = record.has(PREVIOUS_STORES) ? (ArrayNode) record.get(PREVIOUS_STORES) : record.putArray(PREVIOUS_STORES);
        Set<String> listed = new HashSet<>();
        previous.forEach(v -> listed.add(v.asText()));
        ourStores().stream().sorted().filter(listed::add).forEach(previous::add);
        record = DaemonJson.merged(record, keys);
        files.createDirectories("/var/lib/calico-dcos");
        files.write(OWNED, DaemonJson.print(record), "rw-r--r--");
    }

    /**
     * The user's file byte for byte, when what is left without our keys means the same as it did
     * before our first change: an uninstall then leaves daemon.json exactly as it found it. A file
     * the user changed since keeps those changes (and our printing of them).
     */
    private Optional<byte[]> untouchedOriginal(String path, ObjectNode restored) {
        return files.existedBeforeUs(path).filter(existed -> existed).flatMap(existed -> files.backupOf(path))
                .filter(original -> {
                    try {
                        return DaemonJson.parse(path, Optional.of(original)).equals(restored);
                    } catch (StepFailure unreadable) {
                        return false;
                    }
                });
    }

    @Override
    public StepOutcome remove(StepContext context) {
        String hash = DesiredHash.of(Map.of("step", name().id(), "removed", true));
        if (files.read(OWNED).isEmpty()) {
            return StepOutcome.removed(hash, "no cluster-store keys of ours in daemon.json");
        }
        ObjectNode ours = owned();
        String path = context.spec().dockerClusterStore().daemonConfig();
        ObjectNode current = DaemonJson.parse(path, files.read(path));
        ObjectNode restored = DaemonJson.without(current, ours);
        JsonNode leftStore = restored.get(DockerStoreDesired.CLUSTER_STORE);
        if (leftStore != null && ourStores().contains(leftStore.asText())) {
            restored.remove(DockerStoreDesired.CLUSTER_STORE); // an earlier value of ours (a crash before an update)
        }
        if (!restored.equals(current)) {
            if (restored.isEmpty() && files.existedBeforeUs(path).equals(Optional.of(false))) {
                files.delete(path);
            } else {
                files.write(path, untouchedOriginal(path, restored).orElseGet(() -> DaemonJson.print(restored)), "rw-r--r--");
            }
            crashPoints.reached("docker.daemon-json-restored");
        }
        RestartGate.Progress progress = gate.progress(name(), UNIT, hash, context);
        if (progress instanceof RestartGate.Progress.Waiting waiting) {
            return waiting.outcome();
        }
        DockerInfo info = docker.info();
        boolean stillActive = info.clusterStore().isPresent() && ourStores().contains(info.clusterStore().get());
        if (stillActive && !(progress instanceof RestartGate.Progress.Stable)) {
            return gate.restart(name(), UNIT, hash, Optional.empty(), context);
        }
        gate.finish(name());
        files.delete(OWNED);
        files.delete(RELOADED);
        rollbackPoint.forget();
        if (files.read(path).isEmpty()) {
            files.forgetOriginal(path);
        }
        return StepOutcome.removed(hash, "cluster-store keys removed from " + path);
    }
}
