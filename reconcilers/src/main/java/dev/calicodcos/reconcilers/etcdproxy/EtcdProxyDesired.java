package dev.calicodcos.reconcilers.etcdproxy;

import java.util.List;

/**
 * The proxy process this agent must run.
 *
 * @param argv the full command line, the binary's host path first
 */
public record EtcdProxyDesired(List<String> argv, String listenAddress, String hash) {
    public EtcdProxyDesired {
        argv = List.copyOf(argv);
    }
}
