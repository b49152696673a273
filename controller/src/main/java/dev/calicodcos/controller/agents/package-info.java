/**
 * Which agents the cluster has: {@code AgentSource}; {@code MesosAgentSource} maps the master's
 * {@code /master/slaves} to the planner's {@code AgentView}s; {@code PolledAgents} polls in the background and
 * triggers a reconcile pass when the list changes, so passes read a cached list.
 *
 * <p>{@code WorkloadSource} gives the other frameworks' tasks on each agent ({@code MesosWorkloadSource}: the master's
 * {@code /master/frameworks}); {@code WorkloadCache} looks them up only while an agent waits for a restart that may stop them.
 *
 * <p>Depends on {@code mesos} and {@code plan}.
 */
package dev.calicodcos.controller.agents;
