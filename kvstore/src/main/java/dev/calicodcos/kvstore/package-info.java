/**
 * etcd behind one port, shared by the controller and the node agent: {@code KvStore} (what calico-dcos needs of
 * etcd's key space: reads, paged prefix reads, fenced writes, watches of a prefix or one key, and writes bound to a
 * kept-alive lease), {@code Versioned} values, {@code StoreException}, and {@code EtcdKvStore} on jetcd, the one
 * place jetcd's exceptions become {@code StoreException}. {@code EtcdOptions} says how a process reaches etcd
 * (endpoints, CA, client certificate and PKCS#8 key) and {@code EtcdClients} builds jetcd clients from them (TLS,
 * a 16 MiB answer limit) for every process: CLI, controller, node agent and the etcd proxy step's probe.
 * Its in-memory twin for tests is testkit's {@code InMemoryKvStore}.
 *
 * <p>Depends on jetcd (with gRPC's Netty for TLS) only: no other module of ours.
 */
package dev.calicodcos.kvstore;
