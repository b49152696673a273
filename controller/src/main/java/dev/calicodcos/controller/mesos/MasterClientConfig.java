package dev.calicodcos.controller.mesos;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the master read client. Every call has a connect, read and overall timeout; transient
 * failures (503, timeouts, leader changes) are retried with exponential backoff and jitter.
 *
 * @param maxAgentListBytes the most {@code /master/slaves} may answer (after decompression); more is an error
 * @param maxTaskListBytes  the most {@code /master/frameworks} may answer (after decompression); more is an error
 */
public record MasterClientConfig(MasterEndpoint endpoint, Duration connectTimeout, Duration readTimeout,
                                 Duration callTimeout, int maxRedirects, int maxAttempts,
                                 Duration initialBackoff, Duration maxBackoff, long maxAgentListBytes, long maxTaskListBytes) {
    /**
     * Room for 10,000 agents with headroom. Measured: an agent of the simulated master takes 1.4 KB of
     * {@code /master/slaves} (14,144,258 bytes for 10,000, sim/README.md); the reference's realistic DC/OS agents
     * take 1.7 to 2.0 KB with one task, and every further task adds about 0.3 KB ({@code used_resources_full}).
     * 10,000 × 2 KB = 20 MB; three times that (agents running a handful of other tasks) is 60 MB, so 64 MiB.
     * The answer is parsed one agent at a time, so the limit bounds the read, not the heap.
     */
    public static final long DEFAULT_MAX_AGENT_LIST_BYTES = 64L * 1024 * 1024;

    /**
     * A running task takes some 1.5 to 2.5 KB of {@code /master/frameworks} (resources, statuses, container, labels),
     * plus up to 1,000 completed tasks per framework. 10,000 agents with one node agent each and two other tasks
     * on average: 30,000 tasks, 45 to 75 MB. Past the limit the lookup fails with a message saying so, and the
     * grants' events say the workloads are unknown; the answer is parsed one task at a time either way.
     */
    public static final long DEFAULT_MAX_TASK_LIST_BYTES = 64L * 1024 * 1024;

    public MasterClientConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        if (maxAttempts < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 and maxRedirects >= 0");
        }
        if (maxAgentListBytes < 1 || maxTaskListBytes < 1) {
            throw new IllegalArgumentException("maxAgentListBytes and maxTaskListBytes must be positive");
        }
    }

    public static MasterClientConfig defaults(MasterEndpoint endpoint) {
        return new MasterClientConfig(endpoint, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(45),
                3, 5, Duration.ofMillis(500), Duration.ofSeconds(15), DEFAULT_MAX_AGENT_LIST_BYTES, DEFAULT_MAX_TASK_LIST_BYTES);
    }

    public MasterClientConfig withTimeouts(Duration connect, Duration read, Duration call) {
        return new MasterClientConfig(endpoint, connect, read, call, maxRedirects, maxAttempts, initialBackoff, maxBackoff,
                maxAgentListBytes, maxTaskListBytes);
    }

    public MasterClientConfig withRetries(int attempts, Duration initial, Duration max) {
        return new MasterClientConfig(endpoint, connectTimeout, readTimeout, callTimeout, maxRedirects, attempts, initial, max,
                maxAgentListBytes, maxTaskListBytes);
    }

    public MasterClientConfig withMaxAgentListBytes(long bytes) {
        return new MasterClientConfig(endpoint, connectTimeout, readTimeout, callTimeout, maxRedirects, maxAttempts,
                initialBackoff, maxBackoff, bytes, maxTaskListBytes);
    }

    public MasterClientConfig withMaxTaskListBytes(long bytes) {
        return new MasterClientConfig(endpoint, connectTimeout, readTimeout, callTimeout, maxRedirects, maxAttempts,
                initialBackoff, maxBackoff, maxAgentListBytes, bytes);
    }
}
