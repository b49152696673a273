package dev.calicodcos.model.agent;

import java.time.Instant;
import java.util.Optional;

/**
 * One step as the node agent last saw it.
 *
 * @param desiredHash  hash of the rendered desired state (spec inputs plus this agent's facts)
 * @param observedHash hash of what is on the host, when it could be observed
 * @param reason       for FAILED, UNSUPPORTED, BLOCKED and AWAITING_RESTART: a {@link StepReason#token()} such as
 *                     {@code DockerTooNew}; a plain string, so a reason of another node-agent version passes through
 * @param since        when the step entered this phase
 */
public record StepReport(
        StepPhase phase,
        String desiredHash,
        Optional<String> observedHash,
        Optional<String> reason,
        String message,
        Instant since) {}
