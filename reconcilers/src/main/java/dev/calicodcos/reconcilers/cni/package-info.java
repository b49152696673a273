/**
 * Step {@code cni}: {@code CniReconciler} installs the Calico CNI plugins ({@code calico}, {@code calico-ipam},
 * checksum-verified) and {@code calico.cni} for the Mesos containerizer, and restarts the Mesos agent, with a
 * grant, only where it cannot see new networks by itself (Mesos &lt; 1.2) or the spec says always. After such a
 * restart the agent must be registered with a master again ({@code MesosAgentProbe}, {@code HttpMesosAgentProbe}:
 * {@code slave/registered} on its HTTP API); when it is not, {@code CniRollbackPoint} puts the previous files back
 * and the agent is restarted once more. {@code CniDesired} is what its {@code render} gives.
 *
 * <p>Depends on {@code step}, {@code host}, the model and Jackson; not on the other steps.
 */
package dev.calicodcos.reconcilers.cni;
