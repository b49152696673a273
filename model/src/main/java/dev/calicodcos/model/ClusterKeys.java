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

    /** Every key of this cluster (spec, control, status, agents) and no other cluster's: what the controller watches. */
    public String clusterPrefix() {
        return clusterRoot() + "/";
    }

    public String spec() {
        return clusterRoot() + "/spec";
    }

    /** The last valid spec, which plans reference by revision ({@code SpecInForce}); written by the leader. */
    public String specInForce() {
        return clusterRoot() + "/spec-in-force";
    }

    public String status() {
        return clusterRoot() + "/status";
    }

    /** Written by {@code pause} and {@code resume}, so that the stored spec stays what the user wrote. */
    public String control() {
        return clusterRoot() + "/control";
    }

    /**
     * Written by every new leader as its first write, fenced by its leadership: its revision follows
     * every earlier leader's write, so a view that has seen it misses none of them. Holds when the term began.
     */
    public String term() {
        return clusterRoot() + "/term";
    }

    /** The machines the leader put in the Mesos maintenance schedule for {@code rollout.drain}, so a new leader can take them out. */
    public String drainedMachines() {
        return clusterRoot() + "/drained-machines";
    }

    public String agentsPrefix() {
        return clusterRoot() + "/agents/";
    }

    public String plan(String agentId) {
        return agentsPrefix() + agentId + "/plan";
    }

    /**
     * Where a node agent reports: apart from the plans and rows under {@link #agentsPrefix()}, so that
     * an etcd role may write reports and nothing else ({@link #reportsPrefix()}).
     */
    public String report(String agentId) {
        return reportsPrefix() + agentId;
    }

    /** Every node agent's report, and nothing else: the one range a node agent's etcd role may write. */
    public String reportsPrefix() {
        return clusterRoot() + "/reports/";
    }

    /** The leader's row for one agent: its part of the status, kept apart so the status document stays bounded. */
    public String agentStatus(String agentId) {
        return agentsPrefix() + agentId + "/status";
    }

    /** The etcd election every controller replica campaigns in. */
    public String election() {
        return prefix + "/controller/leader";
    }

    /** Splits an agent key ({@code …/agents/<id>/plan}, {@code …/reports/<id>}) into the agent id, when it is one. */
    public java.util.Optional<String> agentOf(String key) {
        if (key.startsWith(reportsPrefix())) {
            String id = key.substring(reportsPrefix().length());
            return id.isEmpty() || id.contains("/") ? java.util.Optional.empty() : java.util.Optional.of(id);
        }
        if (!key.startsWith(agentsPrefix())) {
            return java.util.Optional.empty();
        }
        String rest = key.substring(agentsPrefix().length());
        int slash = rest.indexOf('/');
        return slash <= 0 ? java.util.Optional.empty() : java.util.Optional.of(rest.substring(0, slash));
    }

    public String frameworkId() {
        return prefix + "/controller/framework-id";
    }

    private String clusterRoot() {
        return prefix + "/clusters/" + cluster;
    }
}
