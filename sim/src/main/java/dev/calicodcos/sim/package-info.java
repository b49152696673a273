/**
 * A strict simulated DC/OS cluster for tests, benchmarks and the demo.
 *
 * <p>{@link dev.calicodcos.sim.SimulatedCluster} is the composition root: it wires the master
 * ({@code master}), the agents with their host roots and fake systemctl ({@code agent}), a Docker
 * Engine API fake per agent ({@code docker}), the DC/OS IAM ({@code auth}) and the admin endpoint
 * ({@code admin}). Every call is parsed with the real Mesos v1 protobufs ({@code proto}). What the
 * simulator does not reproduce is listed in sim/README.md. Agents run services under a simulated systemd
 * ({@code systemd}), hold processes in PID namespaces ({@code process}) and offer DC/OS's Java 8 ({@code java8}).
 *
 * <p>Depends on the real Mesos protobufs, protobuf-java, Jackson, slf4j and the JDK's HTTP server; knows nothing
 * of calico-dcos (no other module of ours), as DC/OS does not. Checked by {@code LayeringTest} (src/test), which
 * also names the package cycles there are today: the sub-packages read {@code AgentSpec} (and the admin endpoint
 * {@code ClusterFaults}) beside the composition root that wires them.
 */
package dev.calicodcos.sim;
