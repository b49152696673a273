package dev.calicodcos.model.agent;

import dev.calicodcos.model.spec.StepName;
import java.time.Instant;

/** The leader's permission for one agent to restart the service behind {@code step}, once, at {@code desiredHash}. */
public record RestartGrant(StepName step, String desiredHash, Instant grantedAt) {}
