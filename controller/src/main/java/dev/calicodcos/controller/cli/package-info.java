/**
 * The jar's command line (picocli): {@code CalicoDcos}, one class per command ({@code ValidateCommand},
 * {@code ApplyCommand}, {@code StatusCommand}, {@code NodeCommand}, {@code ControllerCommand}, &hellip;), the exit
 * codes pipelines rely on ({@code ExitCode}), and the etcd options every online command shares
 * ({@code EtcdCliOptions}, opened through the {@code StoreConnector} seam).
 *
 * <p>The top of the graph: may use any controller package, the model, {@code reconcilers} (the node agent, the
 * etcd clients) and logback. No controller package depends on it; the launcher finds {@code CalicoDcos} by name.
 */
package dev.calicodcos.controller.cli;
