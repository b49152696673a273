/**
 * A per-agent fake of the Docker Engine API ({@code DockerEngineFake}): images from a fixed {@code Registry},
 * containers whose host-visible side is simulated ({@code ContainerEndpoints}: Felix's health port, BIRD's and
 * the libnetwork plugin's sockets, served by {@code HostListeners}; a crash loop on Docker's {@code RestartBackoff}),
 * daemon.json-driven info, versions; it refuses Calico containers not shaped as calicoctl and libnetwork-plugin run
 * them ({@code CalicoContainerContract}). Depends on {@code master}'s HTTP helpers, the root's {@code AgentSpec},
 * {@code agent}'s {@code HostRoot} (a package cycle {@code LayeringTest} names) and the JDK's HTTP server.
 */
package dev.calicodcos.sim.docker;
