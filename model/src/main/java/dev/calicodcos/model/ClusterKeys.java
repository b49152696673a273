package dev.calicodcos.model;

import java.util.Objects;

/** Every etcd key of one cluster, derived in one place (see docs/architecture.md, "etcd keys"). */
public record ClusterKeys(String prefix, String cluster) {
    public static final String DEFAULT_PREFIX = "/calico-dcos/v1";
    public static final String DEFAULT_CLUSTER = "default";

    public ClusterKeys {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(cluster, "cluster");
        prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    public String spec() {
        return clusterRoot() + "/spec";
    }

    public String status() {
        return clusterRoot() + "/status";
    }

    public String agentsPrefix() {
        return clusterRoot() + "/agents/";
    }

    public String plan(String agentId) {
        return agentsPrefix() + agentId + "/plan";
    }

    public String report(String agentId) {
        return agentsPrefix() + agentId + "/report";
    }

    public String eventsPrefix() {
        return clusterRoot() + "/events/";
    }

    public String leader() {
        return prefix + "/controller/leader";
    }

    public String frameworkId() {
        return prefix + "/controller/framework-id";
    }

    private String clusterRoot() {
        return prefix + "/clusters/" + cluster;
    }
}
