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
 */
public final class CniReconciler implements StepReconciler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_FILE = "calico.cni";

    private final HostFiles files;
    private final Services services;
    private final Downloader downloads;
    private final RestartGate gate;
    private final CrashPoints crashPoints;

    public CniReconciler(HostFiles files, Services services, Downloader downloads, RestartGate gate, CrashPoints crashPoints) {
        this.files = files;
        this.services = services;
        this.downloads = downloads;
        this.gate = gate;
        this.crashPoints = crashPoints;
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
        for (CniDesired.Binary binary : desired.binaries()) {
            installBinary(desired, binary);
        }
        crashPoints.reached("cni.binaries-installed");
        if (!desired.config().equals(parsedConfig(desired.configPath()).orElse(null))) {
            files.write(desired.configPath(), print(desired.config()), "rw-r--r--");
        }
        crashPoints.reached("cni.config-written");
        if (desired.restartUnit().isEmpty()) {
            return StepOutcome.done(hash, "calico CNI plugin and " + desired.configPath() + " installed");
        }
        String unit = desired.restartUnit().get();
        RestartGate.Progress progress = gate.progress(name(), unit, hash, context);
        if (progress instanceof RestartGate.Progress.Waiting waiting) {
            return waiting.outcome();
        }
        if (agentStartedAfterFiles(desired, unit)) {
            gate.finish(name());
            return StepOutcome.done(hash, "calico CNI installed; " + unit + " started after the files changed");
        }
        return gate.restart(name(), unit, hash, Optional.empty(), context);
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

    private void installBinary(CniDesired desired, CniDesired.Binary binary) {
        String path = desired.binaryPath(binary);
        Optional<byte[]> current = files.read(path);
        if (current.isPresent() && binary.sha256().map(sha -> sha.equals(StepHashes.sha256(current.get()))).orElse(true)) {
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
