/**
 * What the leader reports at {@code clusters/<name>/status}: {@code ClusterStatus} with its kstatus-style
 * {@code Condition}s, the {@code RolloutStatus}, an {@code AgentStatus} per agent ({@code AgentPhase} and a
 * {@code StepCell} per step: the agent &times; step grid) and the bounded {@code ClusterEvent} history. The CLI's
 * {@code status} and the status page read it as written.
 *
 * <p>Depends on {@code spec} and {@code agent}.
 */
package dev.calicodcos.model.status;
