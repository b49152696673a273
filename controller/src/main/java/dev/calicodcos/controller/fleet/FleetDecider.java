package dev.calicodcos.controller.fleet;

import dev.calicodcos.controller.mesos.Offer;
import dev.calicodcos.controller.mesos.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps exactly one node-agent task of the current version on every desired agent, as a pure
 * decision over (desired agents, known tasks, offers, backoffs, now): which offers to use, which to
 * decline, which tasks to kill, and whether offers are still needed at all.
 */
public final class FleetDecider {
    private FleetDecider() {}

    /**
     * @param launchesAllowed false right after (re)subscribing, until reconciliation has told us which tasks exist
     */
    public record Input(Set<String> desiredAgents, String version, Collection<NodeAgentTask> tasks, List<Offer> offers,
                        Map<String, Instant> notBefore, Instant now, boolean launchesAllowed, double cpus, double memMb) {}

    public record Launch(Offer offer, String agentId) {}

    /**
     * @param wantOffers    some desired agent has no task (offers are still needed)
     * @param launchableNow such an agent could take an offer right now (launches allowed, no backoff pending)
     */
    public record Decision(List<Launch> launches, List<String> decline, List<NodeAgentTask> kill, boolean wantOffers,
                           boolean launchableNow) {}

    public static Decision decide(Input in) {
        Set<String> covered = new HashSet<>();
        List<NodeAgentTask> kill = new ArrayList<>();
        List<NodeAgentTask> outdated = new ArrayList<>();
        boolean anyStarting = false;
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
            } else if (task.state() != TaskState.TASK_RUNNING) {
                anyStarting = true;
            }
        }
        // Rolling replacement: one outdated task at a time, and only while no other node agent is starting.
        boolean killing = in.tasks().stream().anyMatch(t -> t.state() == TaskState.TASK_KILLING);
        if (!outdated.isEmpty() && !anyStarting && !killing) {
            kill.add(outdated.stream().min(Comparator.comparing(NodeAgentTask::agentId)).orElseThrow());
        }

        List<Launch> launches = new ArrayList<>();
        List<String> decline = new ArrayList<>();
        Set<String> launching = new HashSet<>();
        for (Offer offer : in.offers()) {
            String agent = offer.agentId();
            boolean wanted = in.launchesAllowed()
                    && in.desiredAgents().contains(agent)
                    && !covered.contains(agent)
                    && !launching.contains(agent)
                    && !in.notBefore().getOrDefault(agent, Instant.MIN).isAfter(in.now())
                    && offer.scalar("cpus") >= in.cpus()
                    && offer.scalar("mem") >= in.memMb();
            if (wanted) {
                launches.add(new Launch(offer, agent));
                launching.add(agent);
            } else {
                decline.add(offer.id());
            }
        }
        Set<String> uncovered = new HashSet<>(in.desiredAgents());
        uncovered.removeAll(covered);
        uncovered.removeAll(launching);
        boolean launchableNow = in.launchesAllowed()
                && uncovered.stream().anyMatch(a -> !in.notBefore().getOrDefault(a, Instant.MIN).isAfter(in.now()));
        return new Decision(launches, decline, kill, !uncovered.isEmpty(), launchableNow);
    }
}
