package dev.calicodcos.controller.health;

import dev.calicodcos.controller.fleet.NodeAgentFleet;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Whether this replica can do its job, and if not, why: etcd unreachable, an etcd alarm that
 * refuses every write (NOSPACE), or, on the leader, no subscription to the Mesos master. Served
 * at {@code /readyz} and as the {@link Condition#CONTROLLER_READY} condition of the status.
 */
public final class Readiness {
    private final KvStore kv;
    private final NodeAgentFleet fleet;
    private final BooleanSupplier leading;
    private final Clock clock;
    private volatile Checked checked;

    private static final Duration FRESH = Duration.ofSeconds(1);

    private record Checked(Instant at, List<String> problems) {}

    public Readiness(KvStore kv, NodeAgentFleet fleet, BooleanSupplier leading, Clock clock) {
        this.kv = kv;
        this.fleet = fleet;
        this.leading = leading;
        this.clock = clock;
    }

    /** Empty when ready. Asks etcd at most once a second, however often probes and pages ask. */
    public List<String> problems() {
        Instant now = clock.instant();
        Checked last = checked;
        if (last == null || !now.isBefore(last.at().plus(FRESH))) {
            last = new Checked(now, check());
            checked = last;
        }
        return last.problems();
    }

    private List<String> check() {
        List<String> out = new ArrayList<>();
        try {
            kv.revision();
        } catch (RuntimeException e) {
            out.add("etcd unreachable: " + e.getMessage());
        }
        if (out.isEmpty()) {
            try {
                kv.alarms().forEach(alarm -> out.add("etcd alarm " + alarm + ": etcd refuses every write (no plan, grant or status"
                        + " is stored) until space is freed and the alarm disarmed"));
            } catch (RuntimeException e) {
                // an etcd that answers reads but not the alarm list: reachability is what we know
            }
        }
        if (leading.getAsBoolean()) {
            fleet.problem(clock.instant()).ifPresent(out::add);
        }
        return out;
    }

    /** {@code status} with the readiness condition for {@code problems}, its transition time carried over from {@code previous}. */
    public static ClusterStatus withCondition(ClusterStatus status, List<String> problems, ClusterStatus previous, Instant now) {
        String value = problems.isEmpty() ? "True" : "False";
        Instant since = previous.condition(Condition.CONTROLLER_READY).filter(c -> c.status().equals(value))
                .map(Condition::lastTransitionTime).orElse(now);
        Condition condition = new Condition(Condition.CONTROLLER_READY, value, problems.isEmpty() ? "Ready" : reason(problems.get(0)),
                String.join("; ", problems), since);
        List<Condition> conditions = Stream.concat(status.conditions().stream().filter(c -> !c.type().equals(Condition.CONTROLLER_READY)),
                Stream.of(condition)).toList();
        return new ClusterStatus(status.observedGeneration(), status.appliedGeneration(), conditions, status.agentCounts(),
                status.steps(), status.rollout(), status.agents(), status.events(), status.updatedAt());
    }

    private static String reason(String problem) {
        return problem.startsWith("etcd alarm") ? "EtcdAlarm" : problem.startsWith("etcd unreachable") ? "EtcdUnreachable"
                : "MesosNotSubscribed";
    }
}
