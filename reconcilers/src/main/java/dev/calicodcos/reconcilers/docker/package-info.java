/**
 * Step {@code dockerClusterStore}: {@code DockerClusterStoreReconciler} merges Docker's cluster-store keys
 * ({@code DockerStoreDesired}) into daemon.json, keeping the user's keys and their order ({@code DaemonJson}),
 * then reloads docker or, with a grant, restarts it until {@code docker info} shows the store. Docker &ge; 23 has
 * no cluster store: UNSUPPORTED ({@code DockerTooNew}), nothing touched. When docker does not come back with
 * the new file, the restart gate rolls back to the file docker last ran ({@code RollbackPoint}): {@code RolledBack}.
 *
 * <p>Depends on {@code step}, {@code host}, the model and Jackson; not on the other steps.
 */
package dev.calicodcos.reconcilers.docker;
