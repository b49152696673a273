/**
 * The node agent: pre-flight facts, one synchronous pass over the five steps ({@code StepRunner}), and the loop
 * over etcd that owns the leased report ({@code NodeAgent}, built by {@code NodeAgentFactory}) and its timing and backoff
 * ({@code PassTiming}).
 *
 * <p>The top of the node agent: depends on every step package, {@code step}, {@code host}, {@code log}, the model,
 * the {@code kvstore} port (the plan watch, the leased report; never jetcd itself) and resilience4j's backoff. No
 * other package here depends on it; the CLI's {@code node} command starts it.
 */
package dev.calicodcos.reconcilers.agent;
