package dev.calicodcos.controller.dcos;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Caches the DC/OS authentication token and logs in again shortly before it expires, or when a
 * request was refused with 401. Thread-safe; concurrent callers share one login.
 */
public final class DcosTokenProvider {
    private static final Logger LOG = LoggerFactory.getLogger(DcosTokenProvider.class);
    /** Used when the token's expiry cannot be read: log in again this often. */
    static final Duration UNKNOWN_EXPIRY_LIFETIME = Duration.ofHours(1);

    private final IamLogin login;
    private final Clock clock;
    private final Duration refreshMargin;
    private AuthToken current;
    private Instant refreshAt = Instant.MIN;

    /** @param refreshMargin log in again when less than this remains (dcos-commons uses 30 s) */
    public DcosTokenProvider(IamLogin login, Clock clock, Duration refreshMargin) {
        this.login = login;
        this.clock = clock;
        this.refreshMargin = refreshMargin;
    }

    /** A token valid for at least {@code refreshMargin}, logging in if needed. */
    public synchronized AuthToken token() throws DcosAuthException {
        if (current == null || !clock.instant().isBefore(refreshAt)) {
            if (current != null) {
                LOG.info("DC/OS token about to expire, logging in again");
            }
            replace(login.login());
        }
        return current;
    }

    /**
     * After a 401 with {@code rejected}: logs in again, unless another caller already replaced that
     * token, in which case the newer one is returned.
     */
    public synchronized AuthToken refreshAfterRejection(AuthToken rejected) throws DcosAuthException {
        if (current == null || current.value().equals(rejected.value())) {
            LOG.info("DC/OS token rejected, logging in again");
            replace(login.login());
        }
        return current;
    }

    private void replace(AuthToken token) {
        current = token;
        Instant now = clock.instant();
        refreshAt = token.expiresAt().map(exp -> exp.minus(refreshMargin)).orElse(now.plus(UNKNOWN_EXPIRY_LIFETIME));
    }
}
