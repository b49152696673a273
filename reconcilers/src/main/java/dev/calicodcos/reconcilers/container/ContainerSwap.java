package dev.calicodcos.reconcilers.container;

import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.reconcilers.host.ContainerSpec;
import java.time.Instant;
import java.util.Optional;

/**
 * A container change under way, kept on the host ({@code /var/lib/calico-dcos/containers/<step>.json})
 * so that a node agent that dies half way finishes it, or puts the old container back, after it
 * starts again.
 *
 * @param hash      the desired hash the new container runs
 * @param previous  the container it replaced, as Docker held it (image by content id); empty on a first install
 * @param grantedAt the grant it was made under; empty when it needed none (a first install)
 * @param since     when the new container was started, or when the rollback began
 * @param message   why it rolled back (gate that failed, what was restored)
 */
record ContainerSwap(StepName step, String hash, Optional<ContainerSpec> previous, Optional<Instant> grantedAt, State state,
                     Instant since, String message) {

    enum State {
        /** The new image is present; the old container (if any) is about to be removed and the new one created and started. */
        REPLACING,
        /** The new container was started; its readiness gate is being watched. */
        STARTED,
        /** The gate failed: the new container is being removed and the previous one started again. */
        ROLLING_BACK,
        /** Put back, ready again (or not: {@code failed}); not tried again under the same grant. */
        ROLLED_BACK,
        /** Putting back did not get the previous container ready. */
        ROLLBACK_FAILED
    }

    ContainerSwap to(State next, Instant at, String why) {
        return new ContainerSwap(step, hash, previous, grantedAt, next, at, why);
    }

    boolean disruptive() {
        return previous.isPresent();
    }
}
