/**
 * The controller's decisions as a pure function: {@code Planner.plan(PlanInput)} gives a {@code PlanResult} (every
 * agent's plan, the plans to delete, the status with its events), with {@code AgentSelection},
 * {@code RestartBudget} (the one safety rule), {@code AgentPhases} and {@code StatusConditions}. Inputs are
 * records ({@code PlanInput}, {@code AgentView}, {@code ControlState}); the time is {@code PlanInput.now()}.
 *
 * <p>Pure: depends on the model and on {@code java.lang}, {@code java.util} and {@code java.time} only. No etcd,
 * no HTTP, no files, no logging, no clock reads, no randomness. Checked by {@code LayeringTest} (src/test).
 */
package dev.calicodcos.controller.plan;
