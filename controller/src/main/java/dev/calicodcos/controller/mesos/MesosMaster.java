package dev.calicodcos.controller.mesos;

import java.util.List;

/** What the controller needs from the Mesos master's read API: the agents it knows, as domain records. */
public interface MesosMaster {
    /**
     * Registered agents (connected or not) and agents not yet re-registered after a master failover.
     * Unreachable and removed agents are absent, and may come back later under the same ID.
     *
     * @throws MesosException when the master cannot be reached or answers nonsense, after retries
     */
    List<MesosAgent> agents();
}
