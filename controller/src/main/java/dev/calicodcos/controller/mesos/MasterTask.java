package dev.calicodcos.controller.mesos;

import java.util.Optional;

/**
 * A task as the master's {@code /master/frameworks} lists it, with its framework's name and checkpointing.
 *
 * @param containerType {@code container.type} ({@code DOCKER}, {@code MESOS}); empty for a task without a
 *                      {@code ContainerInfo}, which the Mesos containerizer runs
 */
public record MasterTask(String taskId, String name, String frameworkId, String frameworkName, boolean frameworkCheckpoints,
                         String agentId, TaskState state, Optional<String> containerType) {}
