package dev.calicodcos.controller.mesos;

import java.util.Map;

/**
 * Resources in the legacy flat form: scalars by name (cpus, mem and disk in MB, gpus, custom) and
 * range or set resources in Mesos' text form ({@code "ports": "[31000-32000]"}).
 */
public record ResourceTotals(Map<String, Double> scalars, Map<String, String> text) {
    public static final ResourceTotals NONE = new ResourceTotals(Map.of(), Map.of());

    public ResourceTotals {
        scalars = Map.copyOf(scalars);
        text = Map.copyOf(text);
    }

    public double scalar(String name) {
        return scalars.getOrDefault(name, 0.0);
    }
}
