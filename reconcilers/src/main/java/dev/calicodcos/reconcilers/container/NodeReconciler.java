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
import java.util.HashMap;
import java.util.Map;

/** Step 5: the calico/node container (Felix, BIRD, confd). */
public final class NodeReconciler implements StepReconciler {
    public static final String CONTAINER = "calico-node";
    static final String FIRST_FOUND = "first-found";

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
        Map<String, String> binds = new HashMap<>();
        binds.put("/var/log/calico", "/var/log/calico");
        binds.put("/var/run/calico", "/var/run/calico");
        binds.put("/lib/modules", "/lib/modules");
        binds.put("/run", "/run"); // the iptables lock (/run/xtables.lock) shared with the host
        TlsMounts.add(spec.etcd(), env, binds);
        return new ContainerDesired(CONTAINER, step.image(), env, binds, step.privileged(), ContainerDesired.HOST_NETWORK,
                ContainerDesired.RESTART_ALWAYS, step.resources());
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        if (NodeStep.DCOS_DETECT_IP.equals(context.spec().node().ipDetection()) && context.facts().ip().isEmpty()) {
            throw new StepFailure(StepReason.DETECT_IP_FAILED, context.ipProblem().orElse("detect_ip gave no IP")
                    + "; calico/node is not started with a guessed IP");
        }
        return containers.converge(render(context.spec(), context.facts()));
    }

    @Override
    public StepOutcome remove(StepContext context) {
        return containers.remove(CONTAINER, name().id());
    }
}
