/**
 * The {@code CalicoCluster} document as records: {@code CalicoClusterSpec}, with one {@code StepSection} per step
 * ({@code EtcdProxyStep}, {@code DockerClusterStoreStep}, {@code CniStep}, {@code LibnetworkStep},
 * {@code NodeStep}), {@code Rollout}, {@code AgentSelector} and {@code EtcdConnection}. {@code StepName} lists the
 * five steps in order and finds each one's settings ({@code StepName.section(spec)}). Instances are always
 * defaulted and valid: they come from {@code validation.SpecReader}, never from raw input.
 *
 * <p>Depends on Jackson's annotations (and {@code JsonNode} for the status {@code get} shows) only; the other
 * model packages build on it.
 */
package dev.calicodcos.model.spec;
