/**
 * Leader election: {@code EtcdLeaderElection} campaigns in etcd's election API under a lease and, while elected,
 * hands out the fence ({@code Leadership.fence()}) that every leader write compares in its transaction, so a
 * deposed leader's writes fail even before it notices.
 *
 * <p>Depends on {@code kvstore} (the fence) and jetcd.
 */
package dev.calicodcos.controller.election;
