/**
 * The node agent: pre-flight facts, one synchronous pass over the five steps ({@code StepRunner}), and the loop
 * over etcd that owns timing, backoff and the leased report ({@code NodeAgent}, built by {@code NodeAgentFactory}).
 */
package dev.calicodcos.reconcilers.agent;
