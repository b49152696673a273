package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps exactly one node-agent task of the current version on every desired agent, as a pure
 * decision over (desired agents, known tasks, offers, backoffs, now): which offers to use, which to
 * decline and why, which tasks to kill, whether offers are still needed at all, and which agents could
 * take one right now.
 */
public final class FleetDecider {
    /** Of two node agents on one agent, the one that stays: a running one, then the first launched. */
    private static final Comparator<NodeAgentTask> KEEP_FIRST = Comparator
            .comparing((NodeAgentTask t) -> t.state() != TaskState.TASK_RUNNING).thenComparing(NodeAgentTask::taskId);

    private FleetDecider() {}

    /**
     * @param launchesAllowed false right after (re)subscribing, until reconciliation has told us which tasks exist
     */
    public record Input(Set<String> desiredAgents, String version, Collection<NodeAgentTask> tasks, List<Offer> offers,
                        Map<String, Instant> notBefore, Instant now, boolean launchesAllowed, double cpus, double memMb) {}

    public record Launch(Offer offer, String agentId) {}

    /** Why an offer is declined; the framework picks the filter's length from it. */
    public enum DeclineReason {
        /** The agent needs no node agent: none is desired there, or one runs or is being launched. */
        NOT_NEEDED,
        /** Reconciliation has not settled yet, so which node agents exist is not known. */
        NOT_SETTLED,
        /** The agent's node agent ended and its relaunch waits for a backoff. */
        BACKOFF,
        /** The offer cannot hold a node agent. A filter holds only what was offered, so a bigger offer passes it. */
        TOO_SMALL
    }

    public record Decline(String offerId, String agentId, DeclineReason reason) {}

    /**
     * @param wantOffers some desired agent has no node agent (offers are still needed)
     * @param launchable the desired agents without a node agent that could take an offer right now (launches
     *                   allowed, no backoff pending)
     */
    public record Decision(List<Launch> launches, List<Decline> declines, List<NodeAgentTask> kill, boolean wantOffers,
                           Set<String> launchable) {}

    public static Decision decide(Input in) {
        Set<String> covered = new HashSet<>();
        List<NodeAgentTask> kill = new ArrayList<>();
        List<NodeAgentTask> outdated = new ArrayList<>();
        Map<String, NodeAgentTask> kept = new HashMap<>();
        for (NodeAgentTask task : in.tasks()) {
            if (!task.live()) {
                continue;
            }
            if (!in.desiredAgents().contains(task.agentId())) {
                if (task.state() != TaskState.TASK_KILLING) {
                    kill.add(task);
                }
                continue;
            }
            covered.add(task.agentId());
            if (!task.version().equals(in.version())) {
                outdated.add(task);
                continue;
            }
            if (task.state() == TaskState.TASK_KILLING) {
                continue;
            }
            // Two on one agent (launched by leaders that each missed the other's): one stays, a running one first.
            NodeAgentTask other = kept.get(task.agentId());
            if (other == null) {
                kept.put(task.agentId(), task);
            } else {
                NodeAgentTask stays = KEEP_FIRST.compare(task, other) < 0 ? task : other;
                kill.add(stays == task ? other : task);
                kept.put(task.agentId(), stays);
            }
        }
        boolean anyStarting = kept.values().stream().anyMatch(t -> t.state() != TaskState.TASK_RUNNING);
        // Rolling replacement: one outdated task at a time, and only while no other node agent is starting.
        boolean killing = in.tasks().stream().anyMatch(t -> t.state() == TaskState.TASK_KILLING);
        if (!outdated.isEmpty() && !anyStarting && !killing) {
            kill.add(outdated.stream().min(Comparator.comparing(NodeAgentTask::agentId)).orElseThrow());
        }

        List<Launch> launches = new ArrayList<>();
        List<Decline> declines = new ArrayList<>();
        Set<String> launching = new HashSet<>();
        for (Offer offer : in.offers()) {
            String agent = offer.agentId();
            Optional<DeclineReason> refusal;
            if (!in.desiredAgents().contains(agent) || covered.contains(agent) || launching.contains(agent)) {
                refusal = Optional.of(DeclineReason.NOT_NEEDED);
            } else if (!in.launchesAllowed()) {
                refusal = Optional.of(DeclineReason.NOT_SETTLED);
            } else if (inBackoff(in, agent)) {
                refusal = Optional.of(DeclineReason.BACKOFF);
            } else if (offer.scalar("cpus") < in.cpus() || offer.scalar("mem") < in.memMb()) {
                refusal = Optional.of(DeclineReason.TOO_SMALL);
            } else {
                refusal = Optional.empty();
            }
            if (refusal.isPresent()) {
                declines.add(new Decline(offer.id(), agent, refusal.get()));
            } else {
                launches.add(new Launch(offer, agent));
                launching.add(agent);
            }
        }
        Set<String> uncovered = new HashSet<>(in.desiredAgents());
        uncovered.removeAll(covered);
        uncovered.removeAll(launching);
        Set<String> launchable = new HashSet<>();
        if (in.launchesAllowed()) {
            uncovered.stream().filter(a -> !inBackoff(in, a)).forEach(launchable::add);
        }
        return new Decision(launches, declines, kill, !uncovered.isEmpty(), launchable);
    }

    private static boolean inBackoff(Input in, String agent) {
        return in.notBefore().getOrDefault(agent, Instant.MIN).isAfter(in.now());
    }
}
