/**
 * The controller as a Mesos framework, while this replica leads: {@code NodeAgentFramework} keeps one node-agent
 * task of the current version on every agent with a plan. Which offers to use, which tasks to kill and whether
 * offers are still wanted is the pure {@code FleetDecider}; {@code NodeAgentTaskFactory} builds the task (the
 * runtime and the jar as fetched URIs, an argv, never a shell string); {@code MesosFleet} wires it. At 10,000
 * agents offers are kept away: what is not needed is declined for an hour, the framework SUPPRESSes once every
 * agent has its node agent, and REVIVEs only when an agent it could launch on is hidden by a filter or SUPPRESS.
 *
 * <p>Depends on {@code mesos}, {@code store} (the framework id), {@code election}, {@code artifacts} and the
 * model. {@code FleetFactory} is how the controller builds a fleet without knowing which.
 */
package dev.calicodcos.controller.fleet;
