package dev.calicodcos.controller.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.plan.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkloadCacheTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration REFRESH = Duration.ofSeconds(30);

    @Test
    void aLookupIsDueOnlyWhileAnAgentWaitsAndAtMostOncePerRefresh() {
        assertThat(WorkloadCache.due(Optional.empty(), false, T0, REFRESH)).as("nobody waits: never").isFalse();
        assertThat(WorkloadCache.due(Optional.of(T0.minus(Duration.ofHours(1))), false, T0, REFRESH)).isFalse();
        assertThat(WorkloadCache.due(Optional.empty(), true, T0, REFRESH)).as("first wait").isTrue();
        assertThat(WorkloadCache.due(Optional.of(T0), true, T0.plusSeconds(29), REFRESH)).isFalse();
        assertThat(WorkloadCache.due(Optional.of(T0), true, T0.plusSeconds(30), REFRESH)).isTrue();
    }

    @Test
    void theCacheKeepsTheLastAnswerAndAFailureSaysWhy() {
        AtomicInteger lookups = new AtomicInteger();
        WorkloadCache cache = new WorkloadCache(() -> {
            if (lookups.incrementAndGet() == 2) {
                throw new IllegalStateException("HTTP 503 from /master/frameworks");
            }
            return Map.of("S1", List.of(new Workload("marathon", true, "web", Workload.Containerizer.DOCKER)));
        }, REFRESH);

        assertThat(cache.current().unknownBecause()).contains("not looked up");
        assertThat(cache.due(true, T0)).isTrue();
        cache.refresh(T0);
        assertThat(cache.current().on("S1")).hasValueSatisfying(tasks -> assertThat(tasks).hasSize(1));
        assertThat(cache.current().listedAt()).isEqualTo(T0);
        assertThat(cache.due(true, T0.plusSeconds(10))).isFalse();

        cache.refresh(T0.plusSeconds(30));

        assertThat(cache.current().unknownBecause()).contains("HTTP 503 from /master/frameworks");
        assertThat(cache.current().on("S1")).isEmpty();
        assertThat(cache.due(true, T0.plusSeconds(40))).as("a failure is retried after the same interval").isFalse();
        assertThat(cache.due(true, T0.plusSeconds(60))).isTrue();
        assertThat(lookups).hasValue(2);
    }
}
