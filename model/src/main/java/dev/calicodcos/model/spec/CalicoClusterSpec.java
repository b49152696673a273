package dev.calicodcos.model.spec;

/**
 * Desired state; the field order is the order of the five steps.
 *
 * @param uninstall remove every step from every agent (reverse order, under the budget), then end the node agents
 */
public record CalicoClusterSpec(
        AgentSelector agents,
        Rollout rollout,
        EtcdConnection etcd,
        EtcdProxyStep etcdProxy,
        DockerClusterStoreStep dockerClusterStore,
        CniStep cni,
        LibnetworkStep libnetwork,
        NodeStep node,
        boolean uninstall) {

    public CalicoClusterSpec withRollout(Rollout newRollout) {
        return new CalicoClusterSpec(agents, newRollout, etcd, etcdProxy, dockerClusterStore, cni, libnetwork, node, uninstall);
    }
}
