package dev.calicodcos.model.status;

import java.time.Instant;

/** One line of the bounded history: what happened, where, and why. Agent and step may be null. */
public record ClusterEvent(Instant time, long specRevision, String reason, String agentId, String step, String message) {}
