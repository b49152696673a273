/**
 * Step {@code etcdProxy}: {@code EtcdProxyReconciler} runs an etcd gateway (or v2 proxy) as the systemd unit
 * {@code calico-dcos-etcd-proxy.service}, so that it outlives the node agent. The binary comes out of the etcd
 * release tarball ({@code TarGz}); upstreams from the spec or DNS SRV records ({@code Upstream},
 * {@code SrvResolver}, {@code JndiSrvResolver}); every {@code ExecStart} word is quoted and traced to its spec
 * field ({@code ExecArg}); "done" means a real read through the proxy worked ({@code EtcdProbe},
 * {@code JetcdProbe}).
 *
 * <p>Depends on {@code step}, {@code host}, {@code kvstore}'s {@code EtcdClients}, the model, jetcd and the JDK's JNDI DNS provider; not on
 * the other steps.
 */
package dev.calicodcos.reconcilers.etcdproxy;
