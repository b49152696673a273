/**
 * What the leader and a node agent exchange through etcd: {@code AgentPlan} (the spec in force, its step hashes,
 * the {@code RestartGrant}, the paused and uninstall flags) and {@code AgentReport} (the {@code AgentFacts} found
 * on the host, pre-flight blockers, a {@code StepReport} per step with its {@code StepPhase}). {@code StepReason}
 * is the closed vocabulary of why a step failed, is unsupported, blocked or awaiting a restart, with
 * {@code retryable()}; docs/operations.md lists every one.
 *
 * <p>Depends on {@code spec} only.
 */
package dev.calicodcos.model.agent;
