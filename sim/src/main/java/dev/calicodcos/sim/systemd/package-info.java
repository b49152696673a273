/**
 * A simulated systemd for the units a node agent installs under {@code <host root>/etc/systemd/system}:
 * unit files parsed as systemd does (or refused when they use what is not simulated), services run
 * as children of the simulator (the host) in their own PID namespaces, {@code Restart=}, the start
 * limit, enablement links, {@code NeedDaemonReload}, and a lifecycle log tests can count restarts from. Depends on
 * {@code process}.
 */
package dev.calicodcos.sim.systemd;
