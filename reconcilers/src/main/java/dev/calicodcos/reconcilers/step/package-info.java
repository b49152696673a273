/**
 * The step contract: {@code StepReconciler} ({@code reconcile(StepContext)} and {@code remove(StepContext)}, each
 * returning a {@code StepOutcome} at once, never sleeping; beside it each step has a static, pure {@code render}
 * giving its desired state and hash, {@code DesiredHash}), and the restart rule shared by the disruptive steps
 * ({@code RestartGate}, with {@code CrashPoints} for the crash tests). See reconcilers/DESIGN.md.
 *
 * <p>Depends on {@code host} and the model; {@code host} does not depend on it.
 */
package dev.calicodcos.reconcilers.step;
