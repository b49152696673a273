/**
 * The node agent: pre-flight facts, one synchronous pass over the five steps ({@code StepRunner}), and the loop
 * over etcd that owns the leased report ({@code NodeAgent}, built by {@code NodeAgentFactory}) and its timing and backoff
 * ({@code PassTiming}).
 */
package dev.calicodcos.reconcilers.agent;
