package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.LibnetworkStep;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.step.StepContext;
import dev.calicodcos.reconcilers.step.StepOutcome;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Step 4: Calico's Docker network plugin as its own container ({@code calico-libnetwork}). */
public final class LibnetworkReconciler implements StepReconciler {
    public static final String CONTAINER = "calico-libnetwork";
    static final String PLUGIN_SOCKET = "/run/docker/plugins/calico.sock";

    private final ContainerConverger containers;

    public LibnetworkReconciler(ContainerConverger containers) {
        this.containers = containers;
    }

    @Override
    public StepName name() {
        return StepName.LIBNETWORK;
    }

    /**
     * Pure: the plugin container for this agent, as the plugin's README (libnetwork-plugin v1.1.3,
     * lines 31-41) runs it stand-alone: {@code --net=host --privileged}, {@code /run/docker/plugins}
     * (where Docker finds its sockets) and {@code /var/run/docker.sock} mounted, etcd from
     * {@code ETCD_ENDPOINTS} (libcalico-go's client config, TLS files mounted one by one as calicoctl
     * does), detached with {@code --restart=always} like calico/node. The plugin names its node
     * from {@code HOSTNAME} (utils/os/utils.go lines 5-12): set to the same node name as calico/node
     * and the CNI plugin, and also as {@code CALICO_LIBNETWORK_HOSTNAME}, which D2iQ's fork reads.
     */
    public static ContainerDesired render(CalicoClusterSpec spec, AgentFacts facts) {
        LibnetworkStep step = spec.libnetwork();
        Map<String, String> env = new HashMap<>();
        env.put("ETCD_ENDPOINTS", String.join(",", spec.etcd().endpoints()));
        env.put("HOSTNAME", facts.nodeName());
        env.put("CALICO_LIBNETWORK_HOSTNAME", facts.nodeName());
        Map<String, String> binds = new HashMap<>();
        binds.put("/run/docker/plugins", "/run/docker/plugins");
        binds.put("/var/run/docker.sock", "/var/run/docker.sock");
        TlsMounts.add(spec.etcd(), env, binds);
        return new ContainerDesired(CONTAINER, step.image(), env, binds, step.privileged(), ContainerDesired.HOST_NETWORK,
                ContainerDesired.RESTART_ALWAYS, Optional.empty());
    }

    /** Pure: the plugin is ready when Docker's handshake on its socket names it a network driver. */
    public static List<ReadinessCheck> readiness(Map<String, String> env) {
        return List.of(new ReadinessCheck.PluginActivate(PLUGIN_SOCKET, "NetworkDriver", "Calico network plugin"));
    }

    @Override
    public Optional<String> changeUnderWayAt() {
        return containers.underWayAt(name());
    }

    @Override
    public StepOutcome reconcile(StepContext context) {
        return containers.converge(name(), render(context.spec(), context.facts()), LibnetworkReconciler::readiness, context);
    }

    @Override
    public StepOutcome remove(StepContext context) {
        return containers.remove(name(), CONTAINER, context);
    }
}
