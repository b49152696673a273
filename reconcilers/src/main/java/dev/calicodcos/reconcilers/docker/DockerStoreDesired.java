package dev.calicodcos.reconcilers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calicodcos.model.spec.DockerClusterStoreStep.ApplyMethod;
import java.util.List;

/**
 * The daemon.json keys the dockerClusterStore step owns, in the order they are added.
 *
 * @param keys {@code cluster-store} and, when set, {@code cluster-advertise} and {@code cluster-store-opts}
 */
public record DockerStoreDesired(String daemonConfig, ObjectNode keys, ApplyMethod applyMethod, boolean takeOver, String hash) {
    public static final String CLUSTER_STORE = "cluster-store";
    public static final List<String> OWNED_KEYS = List.of(CLUSTER_STORE, "cluster-advertise", "cluster-store-opts");

    public String clusterStore() {
        return keys.get(CLUSTER_STORE).asText();
    }

    public JsonNode key(String name) {
        return keys.get(name);
    }
}
