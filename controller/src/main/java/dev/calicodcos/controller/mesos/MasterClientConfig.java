package dev.calicodcos.controller.mesos;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the master read client. Every call has a connect, read and overall timeout; transient
 * failures (503, timeouts, leader changes) are retried with exponential backoff and jitter.
 */
public record MasterClientConfig(MasterEndpoint endpoint, Duration connectTimeout, Duration readTimeout,
                                 Duration callTimeout, int maxRedirects, int maxAttempts,
                                 Duration initialBackoff, Duration maxBackoff) {

    public MasterClientConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        if (maxAttempts < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 and maxRedirects >= 0");
        }
    }

    public static MasterClientConfig defaults(MasterEndpoint endpoint) {
        return new MasterClientConfig(endpoint, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(45),
                3, 5, Duration.ofMillis(500), Duration.ofSeconds(15));
    }

    public MasterClientConfig withTimeouts(Duration connect, Duration read, Duration call) {
        return new MasterClientConfig(endpoint, connect, read, call, maxRedirects, maxAttempts, initialBackoff, maxBackoff);
    }

    public MasterClientConfig withRetries(int attempts, Duration initial, Duration max) {
        return new MasterClientConfig(endpoint, connectTimeout, readTimeout, callTimeout, maxRedirects, attempts, initial, max);
    }
}
