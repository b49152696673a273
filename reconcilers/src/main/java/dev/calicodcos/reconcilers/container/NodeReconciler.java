package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.NodeStep;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Step 5: the calico/node container (Felix, BIRD, confd). */
public final class NodeReconciler implements StepReconciler {
    public static final String CONTAINER = "calico-node";
    static final String FIRST_FOUND = "first-found";
    static final String FELIX_HEALTH = "FELIX_HEALTHENABLED";
    static final int FELIX_HEALTH_PORT = 9099;
    static final String BIRD_SOCKET = "/var/run/calico/bird.ctl";

    private final ContainerConverger containers;

    public NodeReconciler(ContainerConverger containers) {
        this.containers = containers;
    }

    @Override
    public StepName name() {
        return StepName.NODE;
    }

    /**
     * Pure: the calico/node container for this agent, shaped as {@code calicoctl node run
     * --disable-docker-networking} makes it (calicoctl v1.6.5, calicoctl/commands/node/run.go lines
     * 249-330 for the environment and mounts, 338-343 for {@code --net=host --privileged
     * --name=calico-node -d --restart=always}): the Docker plugin runs as its own container (step
     * libnetwork), which is how the plugin's README (v1.1.3, lines 78-81) runs calico/node beside it,
     * so there is no plugin inside and no Docker socket mount. On top of calicoctl's shape: the user's
     * {@code node.env}, {@code FELIX_IGNORELOOSERPF} and the IP from detect_ip. With
     * {@code ipDetection: dcos-detect-ip} the IP must have come from detect_ip: its absence is a
     * failure, never a silent autodetection; with a detection method, {@code IP=autodetect} makes
     * calico/node detect again at every start instead of keeping a stale stored address.
     */
    public static ContainerDesired render(CalicoClusterSpec spec, AgentFacts facts) {
        NodeStep step = spec.node();
        Map<String, String> env = new HashMap<>();
        env.put("CALICO_NETWORKING_BACKEND", "bird"); // calicoctl's default; node.env may choose gobgp or none
        env.putAll(step.env());
        env.put("NODENAME", facts.nodeName());
        env.put("CALICO_LIBNETWORK_ENABLED", "false");
        env.put("ETCD_ENDPOINTS", String.join(",", spec.etcd().endpoints()));
        if (NodeStep.DCOS_DETECT_IP.equals(step.ipDetection())) {
            env.put("IP", facts.ip().orElseThrow(() -> new StepFailure(StepReason.DETECT_IP_FAILED,
                    "node.ipDetection is dcos-detect-ip but detect_ip gave no IP")));
        } else {
            env.put("IP", "autodetect");
            if (!FIRST_FOUND.equals(step.ipDetection())) {
                env.put("IP_AUTODETECTION_METHOD", step.ipDetection()); // calicoctl leaves out its default
            }
        }
        if (step.ignoreLooseRpf()) {
            env.put("FELIX_IGNORELOOSERPF", "true");
        }
        env.put(FELIX_HEALTH, "true"); // the readiness gate asks Felix; a user's false would blind it
        Map<String, String> binds = new HashMap<>();
        binds.put("/var/log/calico", "/var/log/calico");
        binds.put("/var/run/calico", "/var/run/calico");
        binds.put("/lib/modules", "/lib/modules");
        binds.put("/run", "/run"); // the iptables lock (/run/xtables.lock) shared with the host
        TlsMounts.add(spec.etcd(), env, binds);
        return new ContainerDesired(CONTAINER, step.image(), env, binds, step.privileged(), ContainerDesired.HOST_NETWORK,
                ContainerDesired.RESTART_ALWAYS, step.resources());
    }

    /**
     * Pure: how to tell that a calico/node with this environment does its job. Felix answers on its
     * health port ({@code FELIX_HEALTHPORT}, default 9099; only when {@code FELIX_HEALTHENABLED}: an
     * older container without it is judged by running alone) and, with the BIRD backend, BIRD greets
     * on its control socket, which calico/node keeps in the host's /var/run/calico.
     */
    public static List<ReadinessCheck> readiness(Map<String, String> env) {
        List<ReadinessCheck> checks = new ArrayList<>();
        if ("true".equalsIgnoreCase(env.get(FELIX_HEALTH))) {
            int port = parsePort(env.get("FELIX_HEALTHPORT")).orElse(FELIX_HEALTH_PORT);
            checks.add(new ReadinessCheck.HttpGet(port, "/readiness", "Felix readiness"));
            if ("bird".equals(env.getOrDefault("CALICO_NETWORKING_BACKEND", "bird"))) {
                checks.add(new ReadinessCheck.SocketGreeting(BIRD_SOCKET, "0001 ", "BIRD control socket"));
            }
        }
        return checks;
    }

    private static Optional<Integer> parsePort(String value) {
        try {
            return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> changeUnderWayAt() {
        return containers.underWayAt(name());
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        if (NodeStep.DCOS_DETECT_IP.equals(context.spec().node().ipDetection()) && context.facts().ip().isEmpty()) {
            throw new StepFailure(StepReason.DETECT_IP_FAILED, context.ipProblem().orElse("detect_ip gave no IP")
                    + "; calico/node is not started with a guessed IP");
        }
        return containers.converge(name(), render(context.spec(), context.facts()), NodeReconciler::readiness, context);
    }

    @Override
    public StepOutcome remove(StepContext context) {
        return containers.remove(name(), CONTAINER, context);
    }
}
