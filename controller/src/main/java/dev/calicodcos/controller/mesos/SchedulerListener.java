package dev.calicodcos.controller.mesos;

/**
 * Receives the driver's events, one at a time, in stream order, on the driver's stream thread.
 *
 * <p>Keep it quick (hand work to a queue): while it runs no further event is read. An {@code Update}
 * is acknowledged automatically after {@code onEvent} returns normally (when auto-acknowledgement is
 * on), so record the update before returning; throwing leaves it unacknowledged and the agent resends it.
 */
@FunctionalInterface
public interface SchedulerListener {
    void onEvent(SchedulerEvent event);
}
