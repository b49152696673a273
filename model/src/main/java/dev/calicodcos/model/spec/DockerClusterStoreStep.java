package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

public record DockerClusterStoreStep(
        boolean enabled,
        Optional<String> clusterStore,
        Optional<String> clusterAdvertise,
        ApplyMethod applyMethod,
        boolean takeOver,
        String daemonConfig) implements StepSection {

    public enum ApplyMethod {
        @JsonProperty("reload") RELOAD,
        @JsonProperty("restart") RESTART
    }
}
