package dev.calicodcos.controller.mesos;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The controller's port to Mesos as a framework. Calls are asynchronous and fire-and-forget:
 * results come back as {@link SchedulerEvent}s. A call made while not subscribed is dropped (and
 * logged); the controller learns the truth again through reconciliation after the next
 * {@link SchedulerEvent.Subscribed}.
 */
public interface SchedulerDriver extends AutoCloseable {
    /** Starts subscribing (and resubscribing) in the background. */
    void start();

    /** Launches {@code tasks} on the offers' agent; the unused rest is refused for {@code refuse}. */
    void accept(List<String> offerIds, List<TaskLaunch> tasks, Optional<Duration> refuse);

    void decline(List<String> offerIds, Duration refuse);

    /** Clears decline filters and unsuppresses; rate-limited, and merged with revives still waiting. Empty = all roles. */
    void revive(Collection<String> roles);

    /**
     * Stops offers for {@code roles} (empty = all) until the next revive or resubscription. A revive still
     * waiting for its rate limit is dropped: sent later, it would undo this.
     */
    void suppress(Collection<String> roles);

    void kill(String taskId, Optional<String> agentId);

    /** Acknowledges an update if, and only if, it carries a uuid. Needed only with auto-acknowledgement off. */
    void acknowledge(TaskStatus status);

    /** Explicit reconciliation of {@code tasks}; implicit (all tasks the master knows) when empty. */
    void reconcile(Collection<TaskRef> tasks);

    /** Removes the framework and kills all its tasks; the framework ID is dead afterwards. For uninstall only. */
    void teardown();

    /** The framework ID of the current subscription, if subscribed. */
    Optional<String> subscribedFrameworkId();

    /** Stops all threads and closes the subscription (the framework stays registered until its failover timeout). */
    @Override
    void close();
}
