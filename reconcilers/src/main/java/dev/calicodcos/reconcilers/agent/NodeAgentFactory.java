package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.reconcilers.host.Host;
import dev.calicodcos.reconcilers.host.Hosts;
import dev.calicodcos.reconcilers.step.CrashPoints;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
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
     * @param environment the process environment (PATH finds systemctl, DOCKER_HOST picks the engine)
     * @param nodeName    the Calico node name; see {@link #defaultNodeName(Path)}
     */
    public static NodeAgent create(NodeAgentConfig config, Client etcd, Path hostRoot, Map<String, String> environment,
                                   String nodeName) {
        Host host = Hosts.real(hostRoot, environment);
        StepRunner runner = NodeAgentSteps.runner(host, nodeName, Clock.systemUTC(), CrashPoints.NONE);
        return new NodeAgent(config, etcd, runner, new SpecCodec());
    }

    /** The host's name as calico/node would take it: {@code <hostRoot>/etc/hostname}, else the OS host name. */
    public static String defaultNodeName(Path hostRoot) {
        try {
            Path file = hostRoot.resolve("etc/hostname");
            if (Files.isRegularFile(file)) {
                String name = Files.readString(file).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new IllegalStateException("cannot tell this host's name; pass one: " + e.getMessage(), e);
        }
    }
}
