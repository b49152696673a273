package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.reconcilers.host.Host;
import dev.calicodcos.reconcilers.host.Hosts;
import dev.calicodcos.reconcilers.step.CrashPoints;
import io.etcd.jetcd.Client;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The composition root of {@code calico-dcos node}: real adapters on a host root, the five steps,
 * the loop. The command only parses its options and calls {@link #create}.
 */
public final class NodeAgentFactory {
    private NodeAgentFactory() {}

    /**
     * @param environment the process environment: PATH (after the host's own bin directories),
     *                    DOCKER_HOST (the engine), CALICO_DCOS_HOST_LOOPBACK (this host's 127.0.0.1, default itself)
     * @param nodeName    the Calico node name; see {@link #defaultNodeName(Path)}
     */
    public static NodeAgent create(NodeAgentConfig config, Client etcd, Path hostRoot, Map<String, String> environment,
                                   String nodeName) {
        Host host = Hosts.real(hostRoot, environment);
        StepRunner runner = NodeAgentSteps.runner(host, nodeName, Clock.systemUTC(), CrashPoints.NONE);
        return new NodeAgent(config, etcd, runner, new SpecCodec());
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
