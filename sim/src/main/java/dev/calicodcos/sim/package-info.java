/**
 * A strict simulated DC/OS cluster for tests, benchmarks and the demo.
 *
 * <p>{@link dev.calicodcos.sim.SimulatedCluster} is the composition root: it wires the master
 * ({@code master}), the agents with their host roots and fake systemctl ({@code agent}), a Docker
 * Engine API fake per agent ({@code docker}), the DC/OS IAM ({@code auth}) and the admin endpoint
 * ({@code admin}). Every call is parsed with the real Mesos v1 protobufs ({@code proto}). What the
 * simulator does not reproduce is listed in sim/README.md.
 */
package dev.calicodcos.sim;
