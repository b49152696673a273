package dev.calicodcos.controller.mesos;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the scheduler driver tells the controller: the master's events, typed, plus
 * {@link Disconnected} which the driver itself emits when a subscription ends.
 */
public sealed interface SchedulerEvent {

    /** The subscription is live; {@code frameworkId} has already been persisted. */
    record Subscribed(String frameworkId, Duration heartbeatInterval, Optional<String> masterVersion)
            implements SchedulerEvent {}

    record Offers(List<Offer> offers) implements SchedulerEvent {
        public Offers {
            offers = List.copyOf(offers);
        }
    }

    record Rescind(String offerId) implements SchedulerEvent {}

    record Update(TaskStatus status) implements SchedulerEvent {}

    /** Opaque bytes from a custom executor, still base64. The command executor never sends any. */
    record Message(String agentId, String executorId, String data) implements SchedulerEvent {}

    /** An agent was removed or lost, or (with an executor ID) a custom executor exited. */
    record Failure(String agentId, Optional<String> executorId, OptionalInt status) implements SchedulerEvent {}

    /** The master ended the subscription; the stream closes after this. */
    record Error(String message) implements SchedulerEvent {
        public static final String FRAMEWORK_REMOVED = "Framework has been removed";
        public static final String FAILED_OVER = "Framework failed over";

        public Error {
            Objects.requireNonNull(message, "message");
        }

        /** The stored framework ID is dead forever. */
        public boolean frameworkRemoved() {
            return message.contains(FRAMEWORK_REMOVED);
        }

        /** Another scheduler subscribed with our framework ID and took over. */
        public boolean failedOver() {
            return message.contains(FAILED_OVER);
        }
    }

    record Heartbeat() implements SchedulerEvent {}

    /** An event type this client does not handle (INVERSE_OFFERS, UPDATE_OPERATION_STATUS, ...). */
    record Unknown(String type) implements SchedulerEvent {}

    /** Emitted by the driver: the subscription is gone; offers are void and calls are dropped until resubscribed. */
    record Disconnected(String reason) implements SchedulerEvent {}
}
