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
 * <p>The wire rules are Apache Mesos's v1 scheduler HTTP API and the master's {@code /master/slaves}; the tests
 * check them against one example per call and event in controller/src/test/resources/mesos-reference/.
 *
 * <p>Depends on okhttp, Jackson, resilience4j's retry and slf4j: on nothing else of ours, so the clients are used
 * and tested on their own. Checked by {@code LayeringTest} (src/test).
 */
package dev.calicodcos.controller.mesos;
