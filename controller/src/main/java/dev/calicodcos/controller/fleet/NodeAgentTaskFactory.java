package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.mesos.CommandSpec;
import dev.calicodcos.controller.mesos.FetchUri;
import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.Resource;
import dev.calicodcos.controller.mesos.TaskLaunch;
import dev.calicodcos.model.spec.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the node-agent task for one agent: the jar fetched from the controller, started with
 * {@code shell: false} and explicit arguments (never a shell string built from settings).
 *
 * @param java       the java executable on agents (DC/OS ships one)
 * @param jarUrl     where Mesos fetches the jar (the controller's own HTTP server)
 * @param nodeArgs   the {@code node} command's options other than the agent id (etcd, prefix, cluster)
 */
public record NodeAgentTaskFactory(String java, String jarUrl, List<String> nodeArgs, String version,
                                   double cpus, double memMb, Map<String, String> environment) {

    /** The same task with room for {@code extra} (e.g. the etcd proxy the node agent runs as a child). */
    public NodeAgentTaskFactory plus(Resources extra) {
        // Mesos keeps scalars to three decimals; so do we, rather than sending 0.30000000000000004.
        double sum = Math.round((cpus + extra.cpus()) * 1000) / 1000.0;
        return new NodeAgentTaskFactory(java, jarUrl, nodeArgs, version, sum, memMb + extra.memMb(), environment);
    }

    public TaskLaunch launch(Offer offer, String agentId, long sequence) {
        List<String> argv = new ArrayList<>(List.of(java, "-Xmx" + Math.max(64, (int) (memMb * 0.5)) + "m",
                "-XX:+ExitOnOutOfMemoryError", "-jar", "calico-dcos.jar", "node", "--agent-id", agentId));
        argv.addAll(nodeArgs);
        CommandSpec command = CommandSpec.exec(java, argv)
                .withUris(List.of(new FetchUri(jarUrl, false, false, false, Optional.of("calico-dcos.jar"))))
                .withEnvironment(environment);
        return new TaskLaunch("calico-node-agent", NodeAgentTask.taskId(agentId, version, sequence), agentId,
                List.of(take(offer, "cpus", cpus), take(offer, "mem", memMb)), command,
                Map.of("calico-dcos/version", version), Optional.of(Duration.ofSeconds(30)));
    }

    private static Resource take(Offer offer, String name, double amount) {
        return offer.resources().stream()
                .filter(r -> r.name().equals(name) && r.kind() == Resource.Kind.SCALAR && r.scalar() >= amount)
                .findFirst()
                .map(r -> r.withScalar(amount))
                .orElseThrow(() -> new IllegalArgumentException("offer " + offer.id() + " has no single " + name + " resource of " + amount));
    }
}
