/**
 * Simulated agents: host root layout, the fake systemctl (a bash script answered through the admin
 * endpoint), tasks run as local processes with the command executor's state machine, the URI fetcher,
 * the status update manager that resends until acknowledged, and the agent's own HTTP API
 * ({@code slave/registered} on {@code <loopback>:5051}). Depends on {@code master}, {@code docker},
 * {@code systemd}, {@code process}, {@code java8}, the root's {@code AgentSpec} and the Mesos protobufs.
 */
package dev.calicodcos.sim.agent;
