package dev.calicodcos.model.spec;

/** The part of the spec that configures one step ({@code spec.<step id>}); {@link StepName#section} finds it. */
public sealed interface StepSection permits EtcdProxyStep, DockerClusterStoreStep, CniStep, LibnetworkStep, NodeStep {
    /** Off: the step is removed from every agent, and its other settings are ignored. */
    boolean enabled();
}
