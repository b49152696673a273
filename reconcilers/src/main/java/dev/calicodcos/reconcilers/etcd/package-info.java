/**
 * How a calico-dcos process reaches the etcd that holds its keys: {@code EtcdOptions} (endpoints, CA, client
 * certificate and PKCS#8 key) and {@code EtcdClients}, which builds jetcd clients from them, for the CLI's
 * commands (the controller and node agent included) and the etcd proxy step's probe.
 *
 * <p>Depends on jetcd (with gRPC's Netty for TLS) only.
 */
package dev.calicodcos.reconcilers.etcd;
