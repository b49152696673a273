/**
 * The controller's Mesos clients, over HTTP with JSON only (no protobuf at runtime).
 *
 * <ul>
 *   <li>{@link dev.calicodcos.controller.mesos.MesosMaster} / {@link dev.calicodcos.controller.mesos.HttpMesosMaster}:
 *       the agent list from {@code /master/slaves}, following leader redirects, retrying transient failures.</li>
 *   <li>{@link dev.calicodcos.controller.mesos.SchedulerDriver} / {@link dev.calicodcos.controller.mesos.MesosSchedulerDriver}:
 *       the v1 scheduler API. Events arrive as {@link dev.calicodcos.controller.mesos.SchedulerEvent} records through a
 *       {@link dev.calicodcos.controller.mesos.SchedulerListener}; calls are methods. Wire pieces are separate and pure:
 *       {@link dev.calicodcos.controller.mesos.RecordIoDecoder}, {@link dev.calicodcos.controller.mesos.SchedulerEventParser},
 *       {@link dev.calicodcos.controller.mesos.SchedulerCalls}.</li>
 * </ul>
 *
 * <p>The wire rules followed here are in the project's Mesos HTTP API reference (sections 1, 4–8 and 14.2).
 */
package dev.calicodcos.controller.mesos;
