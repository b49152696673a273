package dev.calicodcos.model.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.Optional;

/**
 * The leader's permission for one agent to restart the service behind {@code step}, once, at {@code desiredHash}.
 * Unknown fields are ignored, so that a later grant's additions still read in this version.
 *
 * @param notBefore with {@code rollout.drain}: the restart waits until then while the other frameworks move their
 *                  tasks off the agent; the leader moves it to "now" once none is left. Absent: restart at once.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RestartGrant(StepName step, String desiredHash, Instant grantedAt, Optional<Instant> notBefore) {
    public RestartGrant {
        notBefore = notBefore == null ? Optional.empty() : notBefore;
    }

    /** A grant to restart at once. */
    public RestartGrant(StepName step, String desiredHash, Instant grantedAt) {
        this(step, desiredHash, grantedAt, Optional.empty());
    }

    /** Whether the restart must still wait at {@code now}. */
    public boolean waitsAt(Instant now) {
        return notBefore.filter(now::isBefore).isPresent();
    }

    /** The same grant, released to restart from {@code at} on. */
    public RestartGrant withNotBefore(Instant at) {
        return new RestartGrant(step, desiredHash, grantedAt, Optional.of(at));
    }
}
