/**
 * A per-agent fake of the Docker Engine API ({@code DockerEngineFake}: bookkeeping containers, daemon.json-driven
 * info, versions), which refuses Calico containers not shaped as calicoctl and libnetwork-plugin run them
 * ({@code CalicoContainerContract}). Depends on {@code master}'s HTTP helpers, the root's {@code AgentSpec},
 * {@code agent}'s {@code HostRoot} (a package cycle {@code LayeringTest} names) and the JDK's HTTP server.
 */
package dev.calicodcos.sim.docker;
