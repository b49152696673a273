package dev.calicodcos.reconcilers.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.CommandResult;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.DockerInfo;
import dev.calicodcos.reconcilers.host.HostCommands;
import dev.calicodcos.reconcilers.host.HostFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.Versions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the agent's facts (versions, role, node IP, Docker's {@code live-restore}) and the conditions that stop every step. Runs
 * on every pass: a DC/OS upgrade can change any of them.
 */
public final class Preflight {
    static final String DETECT_IP = "/opt/mesosphere/bin/detect_ip";
    static final String MESOS_MASTER = "/opt/mesosphere/bin/mesos-master";
    static final String DCOS_VERSION = "/opt/mesosphere/etc/dcos-version.json";
    static final String PUBLIC_ROLE = "/etc/mesosphere/roles/slave_public";
    static final String NATIVE_CALICO_FLAG = "/opt/mesosphere/etc/calico/calico_enabled";
    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(\\.\\d+)?)");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HostFiles files;
    private final HostCommands commands;
    private final DockerEngine docker;
    private final String nodeName;
    private final ObjectMapper json = new ObjectMapper();

    /** @param nodeName the Calico node name of this agent (NODENAME and the CNI nodename) */
    public Preflight(HostFiles files, HostCommands commands, DockerEngine docker, String nodeName) {
        this.files = files;
        this.commands = commands;
        this.docker = docker;
        this.nodeName = nodeName;
    }

    public PreflightResult run() {
        List<PreflightResult.Blocker> blockers = new ArrayList<>();
        Optional<String> ipProblem = Optional.empty();
        Optional<String> ip = Optional.empty();
        if (!files.isRegularFile(DETECT_IP)) {
            ipProblem = Optional.of(DETECT_IP + " does not exist on this agent");
        } else {
            CommandResult result = commands.run(List.of(files.resolve(DETECT_IP).toString()), TIMEOUT);
            String out = result.stdout().strip();
            if (result.succeeded() && IPV4.matcher(out).matches()) {
                ip = Optional.of(out);
            } else {
                ipProblem = Optional.of(DETECT_IP + " failed (exit " + result.exitCode() + ", output '" + out + "', error '"
                        + result.stderr().strip() + "')");
            }
        }
        Optional<String> dcosVersion = dcosVersion();
        boolean nativeCalico = files.isRegularFile(NATIVE_CALICO_FLAG)
                || dcosVersion.flatMap(v -> Versions.atLeast(v, 2, 1)).orElse(false);
        if (nativeCalico) {
            blockers.add(new PreflightResult.Blocker(StepReason.NATIVE_CALICO, "this DC/OS ("
                    + dcosVersion.orElse("calico_enabled is set") + ") ships its own Calico; calico-dcos stands down on this agent"));
        }
        Optional<DockerInfo> dockerInfo = dockerInfo();
        AgentFacts facts = new AgentFacts(nodeName, ip, dockerInfo.map(DockerInfo::serverVersion), mesosVersion(), dcosVersion,
                files.isRegularFile(PUBLIC_ROLE), nativeCalico, dockerInfo.map(DockerInfo::liveRestoreEnabled));
        return new PreflightResult(facts, blockers, ipProblem);
    }

    private Optional<DockerInfo> dockerInfo() {
        try {
            return Optional.of(docker.info());
        } catch (StepFailure notRunning) {
            return Optional.empty(); // the docker steps report it
        }
    }

    /** {@code mesos-master --version} ({@code mesos-agent --version} needs a work dir, MESOS-5928). */
    private Optional<String> mesosVersion() {
        if (!files.isRegularFile(MESOS_MASTER)) {
            return Optional.empty();
        }
        try {
            CommandResult result = commands.run(List.of(files.resolve(MESOS_MASTER).toString(), "--version"), TIMEOUT);
            Matcher m = VERSION.matcher(result.stdout());
            return result.succeeded() && m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (StepFailure e) {
            return Optional.empty();
        }
    }

    private Optional<String> dcosVersion() {
        return files.read(DCOS_VERSION).flatMap(bytes -> {
            try {
                JsonNode version = json.readTree(bytes).get("version");
                return version == null ? Optional.empty() : Optional.of(version.asText());
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }
}
