/**
 * The {@link dev.calicodcos.reconcilers.host.Host} port: everything a step may do to an agent (files under a host
 * root, systemd units, the Docker engine, host commands on the host's PATH, downloads, the host's loopback and
 * listeners), with the real adapters. Adapters turn library and I/O errors into
 * {@link dev.calicodcos.reconcilers.host.StepFailure}.
 *
 * <p>The bottom of the node agent: depends on the model (spec values, {@code StepReason}), docker-java and the
 * JDK; never on {@code step} or a step, which depend on it.
 */
package dev.calicodcos.reconcilers.host;
