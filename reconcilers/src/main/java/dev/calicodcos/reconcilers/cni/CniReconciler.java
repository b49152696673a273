package dev.calicodcos.reconcilers.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.CniStep;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.Downloader;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import dev.calicodcos.reconcilers.step.Versions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Step 3: the Calico CNI plugin for the Mesos containerizer. Binaries first (checksum-verified,
 * replaced when the checksum differs, so upgrades work), then {@code calico.cni} (written only when
 * its parsed JSON differs, never with a {@code cniVersion} Mesos cannot read), then, only where the
 * agent cannot see new networks by itself (Mesos &lt; 1.2) or the spec says always, a restart of
 * the agent unit with a grant. "Restarted since" is observed, not remembered: the unit's
 * ActiveEnterTimestamp must not be older than the newest file we installed.
 *
 * <p>The restart is gated on the agent being registered with a master again (when it was just before
 * the restart); when that gate fails the previous plugins and config come back from the
 * {@link CniRollbackPoint} and the agent is restarted once more under the same grant: {@code RolledBack}.
 */
public final class CniReconciler implements StepReconciler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_FILE = "calico.cni";

    private final HostFiles files;
    private final Services services;
    private final Downloader downloads;
    private final RestartGate gate;
    private final CrashPoints crashPoints;
    private final MesosAgentProbe agent;
    private final CniRollbackPoint rollbackPoint;

    public CniReconciler(HostFiles files, Services services, Downloader downloads, MesosAgentProbe agent, RestartGate gate,
                         CrashPoints crashPoints) {
        this.files = files;
        this.services = services;
        this.downloads = downloads;
        this.agent = agent;
        this.gate = gate;
        this.crashPoints = crashPoints;
        this.rollbackPoint = new CniRollbackPoint(files);
    }

    @Override
    public StepName name() {
        return StepName.CNI;
    }

    /** Pure: the files this agent must have and whether it needs an agent restart after they change. */
    public static CniDesired render(CalicoClusterSpec spec, AgentFacts facts) {
        CniStep cni = spec.cni();
        List<CniDesired.Binary> binaries = List.of(
                new CniDesired.Binary("calico", cni.plugins().calico().url(), cni.plugins().calico().sha256()),
                new CniDesired.Binary("calico-ipam", cni.plugins().calicoIpam().url(), cni.plugins().calicoIpam().sha256()));
        ObjectNode config = JSON.createObjectNode();
        config.put("name", cni.networkName());
        config.put("type", "calico");
        config.put("etcd_endpoints", String.join(",", spec.etcd().endpoints()));
        spec.etcd().tls().ifPresent(tls -> {
            tls.caFile().ifPresent(f -> config.put("etcd_ca_cert_file", f));
            tls.certFile().ifPresent(f -> config.put("etcd_cert_file", f));
            tls.keyFile().ifPresent(f -> config.put("etcd_key_file", f));
        });
        config.put("log_level", cni.logLevel().name());
        config.put("mtu", cni.mtu());
        config.put("nodename", facts.nodeName());
        ObjectNode ipam = config.putObject("ipam");
        ipam.put("type", "calico-ipam");
        ipam.put("assign_ipv4", Boolean.toString(cni.ipam().assignIpv4()));  // strings, as the plugin reads them
        ipam.put("assign_ipv6", Boolean.toString(cni.ipam().assignIpv6()));
        if (!cni.ipam().ipv4Pools().isEmpty()) {
            cni.ipam().ipv4Pools().forEach(ipam.putArray("ipv4_pools")::add);
        }
        Optional<String> restartUnit = needsAgentRestart(cni.agentRestart(), facts) ? Optional.of(facts.agentUnit()) : Optional.empty();
        Map<String, Object> hashed = new LinkedHashMap<>();
        hashed.put("pluginsDir", cni.pluginsDir());
        hashed.put("configDir", cni.configDir());
        hashed.put("binaries", binaries);
        hashed.put("config", config);
        hashed.put("restartUnit", restartUnit.orElse(""));
        return new CniDesired(cni.pluginsDir(), cni.configDir(), CONFIG_FILE, binaries, config, restartUnit, DesiredHash.of(hashed));
    }

    /** Mesos &lt; 1.2 (DC/OS 1.8) learns CNI networks only at start; later versions re-read the directory. */
    static boolean needsAgentRestart(CniStep.AgentRestart policy, AgentFacts facts) {
        return switch (policy) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> facts.mesosVersion().flatMap(v -> Versions.atLeast(v, 1, 2)).map(atLeast -> !atLeast).orElse(false);
        };
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        CniDesired desired = render(context.spec(), context.facts());
        String hash = desired.hash();
        requireDirectory(desired.pluginsDir(), StepReason.CNI_PLUGINS_DIR_MISSING);
        requireDirectory(desired.configDir(), StepReason.CNI_CONFIG_DIR_MISSING);
        Optional<StepOutcome> clash = nameClash(desired);
        if (clash.isPresent()) {
            return clash.get();
        }
        Optional<String> unit = desired.restartUnit();
        Optional<AgentRollback> rollback = unit.map(u -> new AgentRollback(desired, context));
        // A restart under way (or rolled back) is followed up before any file is touched: restored files stay.
        RestartGate.Progress progress = rollback.isPresent()
                ? gate.progress(name(), unit.get(), hash, context, rollback.get()) : new RestartGate.Progress.None();
        if (progress instanceof RestartGate.Progress.Waiting waiting) {
            return waiting.outcome();
        }
        List<CniDesired.Binary> outdated = desired.binaries().stream().filter(b -> !installed(desired, b)).toList();
        boolean configOutdated = !desired.config().equals(parsedConfig(desired.configPath()).orElse(null));
        if (rollback.isPresent() && (!outdated.isEmpty() || configOutdated)) {
            rollbackPoint.keep(targets(desired)); // the agent runs these files until its restart
        }
        for (CniDesired.Binary binary : desired.binaries()) {
            installBinary(desired, binary);
        }
        crashPoints.reached("cni.binaries-installed");
        if (configOutdated) {
            files.write(desired.configPath(), print(desired.config()), "rw-r--r--");
        }
        crashPoints.reached("cni.config-written");
        if (unit.isEmpty()) {
            rollbackPoint.forget(); // nothing restarts: nothing is disrupted, nothing to roll back
            return StepOutcome.done(hash, "calico CNI plugin and " + desired.configPath() + " installed");
        }
        if (agentStartedAfterFiles(desired, unit.get())) {
            gate.finish(name());
            rollbackPoint.forget(); // the agent runs these files: they are the next rollback point
            return StepOutcome.done(hash, "calico CNI installed; " + unit.get() + " started after the files changed");
        }
        if (progress instanceof RestartGate.Progress.Stable) {
            // The restart did not take (systemctl said so, yet the unit still runs from before): never loop restarting.
            return StepOutcome.failed(hash, Optional.empty(), StepReason.RESTART_DID_NOT_APPLY, unit.get()
                    + " was restarted but has been active since before the CNI files changed; it does not run them");
        }
        if (context.plan().grants(name(), hash)) {
            // What the agent says now is what it must say again after the restart (see AgentRollback).
            rollbackPoint.ensure(targets(desired));
            rollbackPoint.agentRegisteredBefore(agent.notRegistered(context.facts()).isEmpty());
            crashPoints.reached("cni.agent-asked");
        }
        return gate.restart(name(), unit.get(), hash, Optional.empty(), context, rollback.get());
    }

    /**
     * The restart gate's view of this step: the agent must be registered with a master again (when it
     * was before the restart); a rollback puts the previous plugins and config back.
     */
    private final class AgentRollback implements RestartGate.Rollback {
        private final CniDesired desired;
        private final StepContext context;

        AgentRollback(CniDesired desired, StepContext context) {
            this.desired = desired;
            this.context = context;
        }

        @Override
        public String change() {
            return "the new calico CNI plugin and " + desired.configPath();
        }

        /**
         * Held only to what the agent showed just before the restart: an agent whose API could not
         * say "registered" then (not reachable from here, credentials required, no master) would
         * otherwise be rolled back for something the change did not do; its gate is the unit alone.
         */
        @Override
        public Optional<String> unhealthy() {
            if (!rollbackPoint.agentWasRegistered()) {
                return Optional.empty();
            }
            return agent.notRegistered(context.facts());
        }

        @Override
        public Optional<String> unhealthyAfterRestore() {
            return rollbackPoint.agentWasRegistered() ? agent.notRegistered(context.facts()) : Optional.empty();
        }

        @Override
        public String restore() {
            return rollbackPoint.restore(targets(desired));
        }
    }

    /** The files the step installs, in install order, with the mode a new one gets. */
    private static List<CniRollbackPoint.Target> targets(CniDesired desired) {
        List<CniRollbackPoint.Target> targets = new ArrayList<>();
        desired.binaries().forEach(b -> targets.add(new CniRollbackPoint.Target(desired.binaryPath(b), "rwxr-xr-x")));
        targets.add(new CniRollbackPoint.Target(desired.configPath(), "rw-r--r--"));
        return targets;
    }

    private void requireDirectory(String dir, StepReason reason) {
        if (!files.isDirectory(dir)) {
            throw new StepFailure(reason, dir + " does not exist on this agent; is it a DC/OS agent, and is cni."
                    + (reason == StepReason.CNI_PLUGINS_DIR_MISSING ? "pluginsDir" : "configDir") + " right?");
        }
    }

    /** Mesos keeps one of two files declaring the same network; ours must be the only one. */
    private Optional<StepOutcome> nameClash(CniDesired desired) {
        for (String file : files.list(desired.configDir())) {
            if (file.equals(desired.configFile())) {
                continue;
            }
            Optional<JsonNode> other = parsedConfig(desired.configDir() + "/" + file);
            if (other.isPresent() && desired.config().get("name").equals(other.get().get("name"))) {
                return Optional.of(StepOutcome.failed(desired.hash(), Optional.empty(), StepReason.CNI_NETWORK_NAME_CLASH,
                        desired.configDir() + "/" + file + " already declares network " + desired.config().get("name")));
            }
        }
        return Optional.empty();
    }

    /** The binary is there with the spec's checksum (or, without one, at all). */
    private boolean installed(CniDesired desired, CniDesired.Binary binary) {
        Optional<byte[]> current = files.read(desired.binaryPath(binary));
        return current.isPresent() && binary.sha256().map(sha -> sha.equals(StepHashes.sha256(current.get()))).orElse(true);
    }

    private void installBinary(CniDesired desired, CniDesired.Binary binary) {
        String path = desired.binaryPath(binary);
        if (installed(desired, binary)) {
            if (!files.isExecutable(path)) {
                files.makeExecutable(path); // Mesos ≤ 1.1 refuses to start with a plugin it cannot execute
            }
            return;
        }
        byte[] fetched = downloads.fetch(binary.url());
        String actual = StepHashes.sha256(fetched);
        if (binary.sha256().isPresent() && !binary.sha256().get().equals(actual)) {
            throw new StepFailure(StepReason.CHECKSUM_MISMATCH, binary.url() + " has sha256 " + actual + " but the spec expects "
                    + binary.sha256().get() + "; " + path + " left as it was");
        }
        files.write(path, fetched, "rwxr-xr-x");
    }

    private boolean agentStartedAfterFiles(CniDesired desired, String unit) {
        Optional<Instant> since = services.activeSince(unit);
        if (since.isEmpty()) {
            return false;
        }
        List<String> paths = new ArrayList<>(desired.binaries().stream().map(desired::binaryPath).toList());
        paths.add(desired.configPath());
        Instant newest = paths.stream().map(files::modifiedAt).flatMap(Optional::stream).map(FileTime::toInstant)
                .max(Instant::compareTo).orElse(Instant.EPOCH);
        // ActiveEnterTimestamp has second resolution.
        return !since.get().isBefore(newest.truncatedTo(ChronoUnit.SECONDS));
    }

    private Optional<JsonNode> parsedConfig(String path) {
        return files.read(path).flatMap(bytes -> {
            try {
                return Optional.ofNullable(JSON.readTree(bytes));
            } catch (IOException e) {
                return Optional.empty(); // not ours to judge; Mesos skips it (≥ 1.2)
            }
        });
    }

    private static byte[] print(ObjectNode config) {
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always prints", e);
        }
    }

    /** Config first, then the binaries: the reverse of install, so Mesos never sees a config without its plugin. */
    @Override
    public StepOutcome remove(StepContext context) {
        CniStep cni = context.spec().cni();
        String hash = DesiredHash.of(Map.of("step", name().id(), "removed", true));
        restoreOrDelete(cni.configDir() + "/" + CONFIG_FILE);
        restoreOrDelete(cni.pluginsDir() + "/calico");
        restoreOrDelete(cni.pluginsDir() + "/calico-ipam");
        rollbackPoint.forget();
        return StepOutcome.removed(hash, "calico CNI plugin and config removed");
    }

    /** Files we created go; a user's file we replaced comes back. */
    private void restoreOrDelete(String path) {
        Optional<Boolean> existed = files.existedBeforeUs(path);
        if (existed.isEmpty()) {
            return;
        }
        if (existed.get()) {
            files.backupOf(path).ifPresent(original -> files.write(path, original, "rwxr-xr-x"));
        } else {
            files.delete(path);
        }
        files.forgetOriginal(path);
    }
}
