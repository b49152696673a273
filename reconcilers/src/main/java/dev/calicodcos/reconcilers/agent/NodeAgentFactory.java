package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.reconcilers.host.Host;
import dev.calicodcos.reconcilers.host.Hosts;
import dev.calicodcos.reconcilers.step.CrashPoints;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The composition root of {@code calico-dcos node}: etcd behind the store port, real adapters on a
 * host root, the five steps, the loop. The command only parses its options and calls {@link #store}
 * and {@link #create}.
 */
public final class NodeAgentFactory {
    /** How long the node agent waits for any one etcd request. */
    public static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);

    private NodeAgentFactory() {}

    /** The etcd the node agent reads its plan from and writes its report to; the caller closes it (after the agent). */
    public static KvStore store(EtcdOptions options) {
        return new EtcdKvStore(EtcdClients.connect(options), ETCD_TIMEOUT);
    }

    /**
     * @param environment the process environment: PATH (after the host's own bin directories),
     *                    DOCKER_HOST (the engine), CALICO_DCOS_HOST_LOOPBACK (this host's 127.0.0.1, default itself)
     * @param nodeName    the Calico node name; see {@link #defaultNodeName(Path)}
     */
    public static NodeAgent create(NodeAgentConfig config, KvStore store, Path hostRoot, Map<String, String> environment,
                                   String nodeName) {
        Host host = Hosts.real(hostRoot, environment);
        StepRunner runner = NodeAgentSteps.runner(host, nodeName, Clock.systemUTC(), CrashPoints.NONE);
        return new NodeAgent(config, store, runner, new SpecCodec());
    }

    /** {@link #defaultNodeName(Path, Map)} with this process's environment. */
    public static String defaultNodeName(Path hostRoot) {
        return defaultNodeName(hostRoot, System.getenv());
    }

    /**
     * The host's kernel host name ({@code <hostRoot>/proc/sys/kernel/hostname}, else {@code hostname}
     * on the host's PATH): the name calico/node, the CNI plugin and libnetwork all get. It need not
     * resolve; DNS is never asked.
     *
     * @throws IllegalStateException when the host has no name at all
     */
    public static String defaultNodeName(Path hostRoot, Map<String, String> environment) {
        String path = Hosts.commandPath(hostRoot, environment.get("PATH"));
        return NodeNames.of(hostRoot, Hosts.commands(hostRoot, environment), path).orElseThrow(() -> new IllegalStateException(
                "cannot tell this host's name: " + hostRoot.resolve(NodeNames.KERNEL_HOSTNAME) + " is missing or empty and"
                        + " 'hostname' gave none (looked on " + path + "); pass --node-name (or CALICO_DCOS_NODE_NAME)"));
    }
}
