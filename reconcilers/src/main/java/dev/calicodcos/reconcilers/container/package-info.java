/**
 * Steps {@code libnetwork} and {@code node}: Calico's Docker network plugin and calico/node as containers, shaped
 * as libnetwork-plugin v1.1.3 and calicoctl v1.6 {@code node run} start them ({@code LibnetworkReconciler},
 * {@code NodeReconciler}, each rendering a {@code ContainerDesired}; etcd TLS files through {@code TlsMounts}).
 * {@code ContainerConverger} makes a container match its rendered hash label, and leaves a matching one alone.
 *
 * <p>Depends on {@code step}, {@code host} and the model; not on the other steps.
 */
package dev.calicodcos.reconcilers.container;
