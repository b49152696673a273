package dev.calicodcos.model.spec;

import java.util.Map;

public record Metadata(String name, Map<String, String> labels) {
    public Metadata {
        labels = Map.copyOf(labels);
    }
}
