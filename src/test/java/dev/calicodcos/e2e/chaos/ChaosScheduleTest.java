package dev.calicodcos.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.e2e.chaos.ChaosFault.Kind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ChaosScheduleTest {
    private static final List<String> AGENTS = IntStream.rangeClosed(1, 30).mapToObj(i -> "10.0.3." + i).toList();
    private static final ChaosSchedule.Settings SETTINGS =
            new ChaosSchedule.Settings(14, Duration.ofSeconds(90), Duration.ofSeconds(3), Duration.ofSeconds(20));

    @Test
    void theSameSeedDrawsTheSameScheduleAndAnotherSeedAnotherOne() {
        assertThat(ChaosSchedule.draw(7, AGENTS, SETTINGS)).isEqualTo(ChaosSchedule.draw(7, AGENTS, SETTINGS));
        assertThat(ChaosSchedule.draw(7, AGENTS, SETTINGS).faults()).isNotEqualTo(ChaosSchedule.draw(8, AGENTS, SETTINGS).faults());
    }

    @Test
    void everyFaultStartsAndIsHealedWithinTheWindowInScheduleOrder() {
        for (long seed : LongStream.range(0, 200).toArray()) {
            List<ChaosFault> faults = ChaosSchedule.draw(seed, AGENTS, SETTINGS).faults();
            assertThat(faults).isSortedAccordingTo(java.util.Comparator.comparing(ChaosFault::at));
            assertThat(faults).allSatisfy(f -> {
                assertThat(f.healedAt()).isLessThanOrEqualTo(SETTINGS.window());
                if (f.kind().lasting()) {
                    assertThat(f.lasts()).isBetween(SETTINGS.shortest(), SETTINGS.longest());
                }
            });
        }
    }

    @Test
    void aLastingFaultNeverOverlapsAnotherOnTheSameTargetSoEachHealUndoesItsOwn() {
        for (long seed : LongStream.range(0, 200).toArray()) {
            List<ChaosFault> faults = ChaosSchedule.draw(seed, AGENTS.subList(0, 3), SETTINGS).faults();
            for (ChaosFault a : faults) {
                for (ChaosFault b : faults) {
                    boolean sameTarget = a.agent().isPresent() ? a.agent().equals(b.agent())
                            : a.kind() == Kind.NO_MASTER_LEADER && b.kind() == Kind.NO_MASTER_LEADER;
                    if (a != b && sameTarget && (a.kind().lasting() || b.kind().lasting())) {
                        assertThat(a.healedAt().compareTo(b.at()) < 0 || b.healedAt().compareTo(a.at()) < 0)
                                .as("seed %d: %s and %s overlap", seed, a, b).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void manySeedsDrawEveryKindOfFault() {
        Set<Kind> drawn = EnumSet.noneOf(Kind.class);
        LongStream.range(0, 50).forEach(seed -> ChaosSchedule.draw(seed, AGENTS, SETTINGS).faults().forEach(f -> drawn.add(f.kind())));
        assertThat(drawn).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void theDescriptionStartsWithTheSeedAndHowToReplayIt() {
        ChaosSchedule schedule = new ChaosSchedule(42, List.of(
                new ChaosFault(Duration.ofMillis(12_400), Kind.PARTITION_AGENT, Optional.of("10.0.3.7"), Duration.ofSeconds(6)),
                new ChaosFault(Duration.ofSeconds(30), Kind.RESTART_ETCD, Optional.empty(), Duration.ZERO)));

        assertThat(schedule.describe()).isEqualTo("""
                chaos seed 42 (rerun with -Dcalico.dcos.chaos.seed=42), 2 faults:
                  +12.400s PARTITION_AGENT 10.0.3.7 for 6.000s
                  +30.000s RESTART_ETCD""");
    }

    @Test
    void aFaultMustNameAnAgentExactlyWhenItHitsOneAndLastExactlyWhenItIsHealed() {
        assertThatThrownBy(() -> new ChaosFault(Duration.ZERO, Kind.KILL_NODE_AGENT, Optional.empty(), Duration.ZERO))
                .hasMessageContaining("KILL_NODE_AGENT needs an agent");
        assertThatThrownBy(() -> new ChaosFault(Duration.ZERO, Kind.RESTART_ETCD, Optional.of("10.0.3.1"), Duration.ZERO))
                .hasMessageContaining("RESTART_ETCD takes no agent");
        assertThatThrownBy(() -> new ChaosFault(Duration.ZERO, Kind.NO_MASTER_LEADER, Optional.empty(), Duration.ZERO))
                .hasMessageContaining("NO_MASTER_LEADER needs a duration");
    }
}
