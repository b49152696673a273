/**
 * {@code rollout.drain}'s side effect: the machines of agents holding a drain grant go into the Mesos
 * maintenance schedule (so frameworks get inverse offers) and leave it when the grant is released.
 * {@link dev.calicodcos.controller.maintenance.MaintenanceSchedule} is the narrow port to the master;
 * {@link dev.calicodcos.controller.maintenance.ScheduleEdit} decides the edit, purely;
 * {@link dev.calicodcos.controller.maintenance.MaintenanceDrains} applies it and records in etcd which
 * machines it added, so that a new leader removes what an earlier one left. Never START_MAINTENANCE or
 * DRAIN_AGENT: both end the node-agent task that must do the restart.
 */
package dev.calicodcos.controller.maintenance;
