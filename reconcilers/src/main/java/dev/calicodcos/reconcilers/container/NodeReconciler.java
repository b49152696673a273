package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.NodeStep;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.StepFailure;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Step 5: the calico/node container (Felix, BIRD, confd). */
public final class NodeReconciler implements StepReconciler {
    public static final String CONTAINER = "calico-node";

    private final ContainerConverger containers;

    public NodeReconciler(ContainerConverger containers) {
        this.containers = containers;
    }

    @Override
    public StepName name() {
        return StepName.NODE;
    }

    /**
     * Pure: the calico/node container for this agent. With {@code ipDetection: dcos-detect-ip} the IP
     * must have come from detect_ip: its absence is a failure, never a silent autodetection.
     */
    public static ContainerDesired render(CalicoClusterSpec spec, AgentFacts facts) {
        NodeStep step = spec.node();
        Map<String, String> env = new HashMap<>(step.env());
        env.put("ETCD_ENDPOINTS", String.join(",", spec.etcd().endpoints()));
        env.put("NODENAME", facts.nodeName());
        if (NodeStep.DCOS_DETECT_IP.equals(step.ipDetection())) {
            env.put("IP", facts.ip().orElseThrow(() -> new StepFailure("DetectIpFailed",
                    "node.ipDetection is dcos-detect-ip but detect_ip gave no IP")));
        } else {
            env.put("IP", "autodetect");
            env.put("IP_AUTODETECTION_METHOD", step.ipDetection());
        }
        if (step.ignoreLooseRpf()) {
            env.put("FELIX_IGNORELOOSERPF", "true");
        }
        // The Docker plugin runs as its own container (step libnetwork), never twice.
        env.put("CALICO_LIBNETWORK_ENABLED", "false");
        Map<String, String> binds = new HashMap<>();
        binds.put("/lib/modules", "/lib/modules");
        binds.put("/var/run/calico", "/var/run/calico");
        binds.put("/var/log/calico", "/var/log/calico");
        TlsMounts.add(spec.etcd(), env, binds);
        String hash = DesiredHash.of(Map.of("image", step.image(), "env", env, "binds", binds, "privileged", step.privileged(),
                "limits", step.resources()));
        return new ContainerDesired(CONTAINER, step.image(), env, binds, step.privileged(), Optional.of(step.resources()), hash);
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        if (NodeStep.DCOS_DETECT_IP.equals(context.spec().node().ipDetection()) && context.facts().ip().isEmpty()) {
            throw new StepFailure("DetectIpFailed", context.ipProblem().orElse("detect_ip gave no IP")
                    + "; calico/node is not started with a guessed IP");
        }
        return containers.converge(render(context.spec(), context.facts()));
    }

    @Override
    public StepOutcome remove(StepContext context) {
        return containers.remove(CONTAINER, name().id());
    }
}
