package dev.calicodcos.e2e.chaos;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One fault of a chaos run: when it starts (from the moment the spec is applied), what it is, the
 * agent it hits (empty for cluster-wide faults) and how long it lasts before it is healed (zero for
 * faults that are over once done, as a kill is).
 */
public record ChaosFault(Duration at, Kind kind, Optional<String> agent, Duration lasts) {

    /** What can go wrong, each as {@code ClusterFaults}, the demo cluster or the controllers can make it. */
    public enum Kind {
        /** The master loses the agent (ping timeout): gone from its lists, tasks unreachable; processes run on. */
        PARTITION_AGENT(true, true),
        /** The agent's connection to the master drops; it is listed inactive, its tasks keep running. */
        DISCONNECT_AGENT(true, true),
        /** {@code systemctl restart dcos-mesos-slave} on the agent, as an operator or a crash would. */
        RESTART_MESOS_AGENT(true, false),
        /** The node agent's process is SIGKILLed; the controller must relaunch it. */
        KILL_NODE_AGENT(true, false),
        /** As {@link #KILL_NODE_AGENT}, and its TASK_FAILED reaches the controller twice. */
        KILL_NODE_AGENT_UPDATE_DUPLICATED(true, false),
        /** As {@link #KILL_NODE_AGENT}, and its first TASK_FAILED is lost between agent and master (resent). */
        KILL_NODE_AGENT_UPDATE_DROPPED(true, false),
        /** A new Mesos master leads: every scheduler stream ends, offers vanish. */
        MASTER_FAILOVER(false, false),
        /** No master is elected: every call answers 503 until it lasts out. */
        NO_MASTER_LEADER(false, true),
        /** etcd stops and starts again on the same port and data. */
        RESTART_ETCD(false, false),
        /** The leading controller stops; a new replica is started in its place. */
        KILL_LEADING_CONTROLLER(false, false);

        private final boolean perAgent;
        private final boolean lasting;

        Kind(boolean perAgent, boolean lasting) {
            this.perAgent = perAgent;
            this.lasting = lasting;
        }

        public boolean perAgent() {
            return perAgent;
        }

        /** Whether the fault holds until healed, rather than being over once done. */
        public boolean lasting() {
            return lasting;
        }
    }

    public ChaosFault {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(lasts, "lasts");
        if (kind.perAgent() != agent.isPresent()) {
            throw new IllegalArgumentException(kind + (kind.perAgent() ? " needs an agent" : " takes no agent"));
        }
        if (kind.lasting() == lasts.isZero()) {
            throw new IllegalArgumentException(kind + (kind.lasting() ? " needs a duration" : " lasts no time"));
        }
    }

    public Duration healedAt() {
        return at.plus(lasts);
    }

    /** One line, e.g. {@code +12.400s PARTITION_AGENT 10.0.3.7 for 6.000s}. */
    @Override
    public String toString() {
        return "+" + seconds(at) + " " + kind + agent.map(a -> " " + a).orElse("") + (lasts.isZero() ? "" : " for " + seconds(lasts));
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%d.%03ds", d.toSeconds(), d.toMillisPart());
    }
}
