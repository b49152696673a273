/**
 * How simulated containers (Mesos tasks, systemd services) hold their processes: each runs in its
 * own PID namespace under a small init, as the Mesos {@code namespaces/pid} isolator and systemd's
 * control groups make sure, so that everything a container started ends with it. JDK and slf4j only.
 */
package dev.calicodcos.sim.process;
