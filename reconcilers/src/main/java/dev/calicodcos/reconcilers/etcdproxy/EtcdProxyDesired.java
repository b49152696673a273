package dev.calicodcos.reconcilers.etcdproxy;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The proxy this agent must run: its systemd unit and what the unit runs.
 *
 * @param argv        the command line of {@code ExecStart}, the binary's path first (as this machine sees it)
 * @param unitFile    the whole unit file
 * @param bindAddress host:port the proxy binds and is probed at (the spec's listenAddress on this host's loopback)
 */
public record EtcdProxyDesired(List<String> argv, String unitFile, String bindAddress, String hash) {
    public EtcdProxyDesired {
        argv = List.copyOf(argv);
    }

    byte[] unitBytes() {
        return unitFile.getBytes(StandardCharsets.UTF_8);
    }
}
