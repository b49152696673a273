package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.LibnetworkStep;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.step.DesiredHash;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Step 4: Calico's Docker network plugin as its own container ({@code calico-libnetwork}). */
public final class LibnetworkReconciler implements StepReconciler {
    public static final String CONTAINER = "calico-libnetwork";

    private final ContainerConverger containers;

    public LibnetworkReconciler(ContainerConverger containers) {
        this.containers = containers;
    }

    @Override
    public StepName name() {
        return StepName.LIBNETWORK;
    }

    /** Pure: the plugin container for this agent. */
    public static ContainerDesired render(CalicoClusterSpec spec, AgentFacts facts) {
        LibnetworkStep step = spec.libnetwork();
        Map<String, String> env = new HashMap<>();
        env.put("ETCD_ENDPOINTS", String.join(",", spec.etcd().endpoints()));
        env.put("CALICO_LIBNETWORK_HOSTNAME", facts.nodeName()); // same node as calico/node and the CNI plugin
        Map<String, String> binds = new HashMap<>();
        binds.put("/run/docker/plugins", "/run/docker/plugins");
        binds.put("/var/run/docker.sock", "/var/run/docker.sock");
        TlsMounts.add(spec.etcd(), env, binds);
        String hash = DesiredHash.of(Map.of("image", step.image(), "env", env, "binds", binds, "privileged", step.privileged()));
        return new ContainerDesired(CONTAINER, step.image(), env, binds, step.privileged(), Optional.empty(), hash);
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        return containers.converge(render(context.spec(), context.facts()));
    }

    @Override
    public StepOutcome remove(StepContext context) {
        return containers.remove(CONTAINER, name().id());
    }
}
