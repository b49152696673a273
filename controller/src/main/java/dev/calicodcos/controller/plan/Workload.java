package dev.calicodcos.controller.plan;

import java.util.Objects;

/**
 * A running task of another framework on an agent: what a restart there may disrupt.
 *
 * @param framework     the framework's name ({@code marathon}, {@code kafka}, …)
 * @param checkpointed  the framework checkpoints: its tasks survive a Mesos agent restart (recovered with their executors)
 * @param task          the task's name
 * @param containerizer which containerizer runs it: a Docker restart stops only {@code DOCKER} tasks
 */
public record Workload(String framework, boolean checkpointed, String task, Containerizer containerizer) {
    public enum Containerizer {
        /** Docker Engine ({@code container.type: DOCKER}): its containers stop when dockerd restarts, unless live-restore. */
        DOCKER,
        /** The Mesos containerizer (UCR, {@code container.type: MESOS} or no container): not Docker's. */
        MESOS
    }

    public Workload {
        Objects.requireNonNull(framework, "framework");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(containerizer, "containerizer");
    }
}
