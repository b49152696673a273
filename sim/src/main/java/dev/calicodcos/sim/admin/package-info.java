/**
 * Loopback admin HTTP endpoint: fault injection ({@code ClusterFaults}) and the fake systemctl's back end. Depends
 * on {@code master}, {@code agent}, {@code docker} and {@code systemd}.
 */
package dev.calicodcos.sim.admin;
