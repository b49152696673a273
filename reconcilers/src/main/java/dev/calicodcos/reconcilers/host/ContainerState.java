package dev.calicodcos.reconcilers.host;

import java.util.Map;

/** A container as Docker reports it. */
public record ContainerState(String id, String image, Map<String, String> labels, boolean running) {
    public ContainerState {
        labels = Map.copyOf(labels);
    }
}
