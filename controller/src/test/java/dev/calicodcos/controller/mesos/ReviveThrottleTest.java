package dev.calicodcos.controller.mesos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReviveThrottleTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Set<String>> sent = new CopyOnWriteArrayList<>();
    private final ReviveThrottle throttle = new ReviveThrottle(timers, now::get, Duration.ofMillis(200), sent::add);

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void theFirstReviveLeavesAtOnce() {
        throttle.request(List.of("slave_public"));

        assertThat(sent).containsExactly(Set.of("slave_public"));
    }

    @Test
    void revivesInsideTheIntervalAreMergedIntoOneLaterCall() {
        throttle.request(List.of("calico-dcos-role"));
        throttle.request(List.of("slave_public"));
        throttle.request(List.of("calico-dcos-role"));
        assertThat(sent).hasSize(1);

        await().until(() -> sent.size() == 2);
        assertThat(sent.get(1)).isEqualTo(Set.of("calico-dcos-role", "slave_public"));
    }

    @Test
    void aReviveOfAllRolesAbsorbsRoleLists() {
        throttle.request(List.of("x"));
        throttle.request(List.of("slave_public"));
        throttle.request(List.of());

        await().until(() -> sent.size() == 2);
        assertThat(sent.get(1)).isEmpty();
    }

    @Test
    void aCancelledReviveNeverLeavesAndTheNextOneIsNotHeldBack() {
        throttle.request(List.of());
        throttle.request(List.of("slave_public"));

        throttle.cancel();

        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 1);
        now.addAndGet(Duration.ofMillis(250).toNanos());
        throttle.request(List.of("x"));
        assertThat(sent).containsExactly(Set.of(), Set.of("x"));
    }

    @Test
    void aReviveAfterTheIntervalLeavesAtOnce() {
        throttle.request(List.of());
        now.addAndGet(Duration.ofMillis(250).toNanos());

        throttle.request(List.of());

        assertThat(sent).hasSize(2);
    }
}
