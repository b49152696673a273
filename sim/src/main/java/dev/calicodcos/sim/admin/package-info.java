/** Loopback admin HTTP endpoint: fault injection and the fake systemctl's back end. */
package dev.calicodcos.sim.admin;
