/**
 * The controller module: the leader-elected controller, the CLI, and the runnable jar.
 * {@link dev.calicodcos.controller.Controller} wires one replica: leader election ({@code election}), the etcd stores
 * ({@code store}), the watches and the reconcile loop ({@code loop}) around the pure planner ({@code plan}), the
 * agent list ({@code agents}) from the Mesos master ({@code mesos}; DC/OS login in {@code dcos}), the node-agent
 * framework ({@code fleet}) and the files it serves ({@code artifacts}), the Mesos maintenance schedule for
 * {@code rollout.drain} ({@code maintenance}), and the HTTP server ({@code http}).
 * {@code cli} is the jar's command line.
 *
 * <p>May depend on {@code model}, {@code kvstore} (the etcd port, its jetcd adapter and clients), {@code reconcilers}
 * (the node agent for the {@code node} command, the failure log) and libraries: jetcd, okhttp, resilience4j, micrometer, picocli, logback. Never on
 * the simulator or testkit: only the demo runs those. Checked by {@code LayeringTest} (src/test).
 */
package dev.calicodcos.controller;
