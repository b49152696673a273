/**
 * Step {@code cni}: {@code CniReconciler} installs the Calico CNI plugins ({@code calico}, {@code calico-ipam},
 * checksum-verified) and {@code calico.cni} for the Mesos containerizer, and restarts the Mesos agent, with a
 * grant, only where it cannot see new networks by itself (Mesos &lt; 1.2) or the spec says always.
 * {@code CniDesired} is what its {@code render} gives.
 *
 * <p>Depends on {@code step}, {@code host}, the model and Jackson; not on the other steps.
 */
package dev.calicodcos.reconcilers.cni;
