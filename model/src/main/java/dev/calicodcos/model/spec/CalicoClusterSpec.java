package dev.calicodcos.model.spec;

/** Desired state; the field order is the order of the five steps. */
public record CalicoClusterSpec(
        AgentSelector agents,
        Rollout rollout,
        EtcdConnection etcd,
        EtcdProxyStep etcdProxy,
        DockerClusterStoreStep dockerClusterStore,
        CniStep cni,
        LibnetworkStep libnetwork,
        NodeStep node) {

    public CalicoClusterSpec withRollout(Rollout newRollout) {
        return new CalicoClusterSpec(agents, newRollout, etcd, etcdProxy, dockerClusterStore, cni, libnetwork, node);
    }
}
