/**
 * etcd behind a port: {@code KvStore} (what calico-dcos needs of etcd's key space, every call with a timeout,
 * writes fenced), {@code EtcdKvStore} on jetcd (the one place its exceptions become {@code StoreException}) and
 * {@code MeteredKvStore} timing each request; {@code SpecStore} keeps the spec key as the user wrote it,
 * {@code InitialSpec} stores a starting spec only when there is none, {@code EtcdFrameworkIdStore} keeps the Mesos
 * framework id.
 *
 * <p>Depends on the model, jetcd, micrometer, and {@code mesos} for the {@code FrameworkIdStore} it implements.
 */
package dev.calicodcos.controller.store;
