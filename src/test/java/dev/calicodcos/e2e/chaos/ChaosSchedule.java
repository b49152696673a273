package dev.calicodcos.e2e.chaos;

import dev.calicodcos.e2e.chaos.ChaosFault.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The faults of one chaos run, drawn from its seed alone: the same seed, agents and settings give the
 * same schedule, so a failing run is replayed by its seed. Faults start at random times within
 * {@link Settings#window()}; a lasting fault never overlaps another on the same target (one agent, or
 * the master for {@link Kind#NO_MASTER_LEADER}), so each heal undoes exactly its own fault, and every
 * fault is healed by the end of the window.
 *
 * @param seed   the seed the faults were drawn from
 * @param faults ordered by start
 */
public record ChaosSchedule(long seed, List<ChaosFault> faults) {

    /**
     * @param faults   how many faults to draw
     * @param window   every fault starts and ends within it
     * @param shortest the shortest a lasting fault holds
     * @param longest  the longest a lasting fault holds (keep it under the controller's gone grace,
     *                 so partitioned agents come back rather than being released)
     */
    public record Settings(int faults, Duration window, Duration shortest, Duration longest) {
        public Settings {
            if (faults < 0) {
                throw new IllegalArgumentException("faults must be 0 or more: " + faults);
            }
            if (shortest.isNegative() || shortest.isZero() || longest.compareTo(shortest) < 0 || window.compareTo(longest) <= 0) {
                throw new IllegalArgumentException("need 0 < shortest <= longest < window: " + shortest + ", " + longest + ", " + window);
            }
        }
    }

    public ChaosSchedule {
        faults = List.copyOf(faults);
    }

    public static ChaosSchedule draw(long seed, List<String> agents, Settings settings) {
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("a chaos run needs agents");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Kind[] kinds = Kind.values();
        List<ChaosFault> faults = new ArrayList<>();
        for (int drawn = 0; drawn < settings.faults(); drawn++) {
            Kind kind = kinds[random.nextInt(kinds.length)];
            Duration lasts = kind.lasting() ? between(random, settings.shortest(), settings.longest()) : Duration.ZERO;
            Duration at = between(random, Duration.ZERO, settings.window().minus(lasts));
            Optional<String> target = kind.perAgent() ? Optional.of(agents.get(random.nextInt(agents.size()))) : Optional.empty();
            ChaosFault fault = new ChaosFault(at, kind, target, lasts);
            if (overlapsALastingFault(fault, faults)) {
                continue; // drawn again: a schedule with fewer faults beats one whose heals undo each other
            }
            faults.add(fault);
        }
        faults.sort(Comparator.comparing(ChaosFault::at).thenComparing(f -> f.kind().ordinal()));
        return new ChaosSchedule(seed, faults);
    }

    /** Every fault on its own line, with the seed first: what a failing run prints. */
    public String describe() {
        return "chaos seed " + seed + " (rerun with -Dcalico.dcos.chaos.seed=" + seed + "), " + faults.size() + " faults:\n"
                + faults.stream().map(f -> "  " + f).collect(Collectors.joining("\n"));
    }

    private static boolean overlapsALastingFault(ChaosFault fault, List<ChaosFault> faults) {
        return faults.stream().filter(other -> sameTarget(fault, other) && (fault.kind().lasting() || other.kind().lasting()))
                .anyMatch(other -> fault.at().compareTo(other.healedAt()) <= 0 && other.at().compareTo(fault.healedAt()) <= 0);
    }

    private static boolean sameTarget(ChaosFault a, ChaosFault b) {
        if (a.agent().isPresent() || b.agent().isPresent()) {
            return Objects.equals(a.agent(), b.agent());
        }
        return a.kind() == Kind.NO_MASTER_LEADER && b.kind() == Kind.NO_MASTER_LEADER;
    }

    private static Duration between(SplittableRandom random, Duration low, Duration high) {
        return Duration.ofMillis(random.nextLong(low.toMillis(), high.toMillis() + 1));
    }
}
