package dev.calicodcos.model.status;

import dev.calicodcos.model.agent.StepPhase;

/** One cell of the agent × step grid. */
public record StepCell(StepPhase phase, String desiredHash, String message) {}
