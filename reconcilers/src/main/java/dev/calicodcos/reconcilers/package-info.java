/**
 * The node agent ({@code calico-dcos node}): five step reconcilers acting on one agent through a narrow port, and
 * the loop that follows the agent's plan in etcd and writes its report. See reconcilers/DESIGN.md.
 *
 * <p>Layers, each using only those before it: {@code host} (the {@code Host} port and its real adapters), then
 * {@code step} (the step contract), then the steps {@code etcdproxy}, {@code docker}, {@code cni} and
 * {@code container}, which know nothing of each other, then {@code agent} (pre-flight, one pass, the loop).
 * {@code log} serves any of them, and the controller too.
 *
 * <p>Of our modules, depends on {@code model} and {@code kvstore} (the etcd port and its jetcd clients) only: never
 * on the controller, the simulator or testkit. Checked by {@code LayeringTest} (src/test).
 */
package dev.calicodcos.reconcilers;
