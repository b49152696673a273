/**
 * One cluster's documents over the etcd port ({@code kvstore.KvStore}, shared with the node agent), with
 * {@code MeteredKvStore} timing each request. Above the port, the documents typed:
 * {@code ClusterDocuments} (the one place keys become documents and back), {@code ClusterStore} (a consistent paged
 * snapshot, a decoded watch, the leader's fenced batches) and {@code ClusterView}, the controller's watch-fed
 * in-memory copy that passes read. {@code SpecStore} keeps the spec key as the user wrote it, {@code InitialSpec}
 * stores a starting spec only when there is none, {@code EtcdFrameworkIdStore} keeps the Mesos framework id.
 *
 * <p>Depends on the model, {@code kvstore}, {@code plan} (the documents and writes it plans), {@code reconcilers.log},
 * micrometer, and {@code mesos} for the {@code FrameworkIdStore} it implements.
 */
package dev.calicodcos.controller.store;
