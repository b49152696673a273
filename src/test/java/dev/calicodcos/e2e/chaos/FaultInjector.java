package dev.calicodcos.e2e.chaos;

import dev.calicodcos.controller.Controller;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.sim.ClusterFaults;
import dev.calicodcos.sim.agent.SimAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Plays a {@link ChaosSchedule} against a demo cluster: each fault starts at its offset from
 * {@link #start()}, lasting ones are healed when they last out, and every action is journaled with
 * the time it was taken since the injector was made (what a failing run prints beside the schedule). One thread plays them all,
 * so faults are taken in schedule order and never race each other.
 */
public final class FaultInjector implements AutoCloseable {
    private final DemoCluster demo;
    private final ChaosSchedule schedule;
    private final Clock clock;
    private final ScheduledExecutorService player = Executors.newSingleThreadScheduledExecutor(daemon("chaos-faults"));
    /** Apart from the player: a progress read that waits on a restarting etcd must not hold up a fault. */
    private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemon("chaos-progress"));
    private final List<String> journal = new ArrayList<>();
    private final List<CompletableFuture<Void>> actions = new ArrayList<>();
    private final Instant created;

    public FaultInjector(DemoCluster demo, ChaosSchedule schedule, Clock clock) {
        this.demo = demo;
        this.schedule = schedule;
        this.clock = clock;
        this.created = clock.instant();
    }

    /** Schedules every fault and heal; returns at once. */
    public void start() {
        for (ChaosFault fault : schedule.faults()) {
            actions.add(at(fault.at(), fault + " started", () -> inject(fault)));
            if (fault.kind().lasting()) {
                actions.add(at(fault.healedAt(), fault + " healed", () -> heal(fault) ? "" : " (nothing to heal)"));
            }
        }
    }

    /** Journals {@code progress} every {@code period} from now on, so a slow run shows where it stood. */
    public void journalEvery(Duration period, Supplier<String> progress) {
        reporter.scheduleAtFixedRate(() -> note(progress.get()), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes once every fault was taken and healed; fails with the first action that threw. */
    public CompletableFuture<Void> done() {
        return CompletableFuture.allOf(actions.toArray(CompletableFuture[]::new));
    }

    /** What was done and when, one line each. */
    public synchronized List<String> journal() {
        return List.copyOf(journal);
    }

    /** Runs {@code action} at {@code offset} and journals {@code what} with the detail it answers. */
    private CompletableFuture<Void> at(Duration offset, String what, Supplier<String> action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        player.schedule(() -> {
            try {
                note(what + action.get());
                done.complete(null);
            } catch (RuntimeException | Error e) {
                note(what + " FAILED: " + e);
                done.completeExceptionally(e);
            }
        }, offset.toMillis(), TimeUnit.MILLISECONDS);
        return done;
    }

    /** Takes the fault; answers what it hit when that is not plain from the fault itself. */
    private String inject(ChaosFault fault) {
        ClusterFaults faults = demo.sim().faults();
        String agent = fault.agent().orElse("");
        switch (fault.kind()) {
            case PARTITION_AGENT -> faults.partitionAgent(agent);
            case DISCONNECT_AGENT -> faults.disconnectAgent(agent);
            case RESTART_MESOS_AGENT -> faults.restartAgent(agent);
            case KILL_NODE_AGENT -> {
                return killNodeAgent(agent, task -> { });
            }
            case KILL_NODE_AGENT_UPDATE_DUPLICATED -> {
                return killNodeAgent(agent, faults::duplicateNextStatusUpdate);
            }
            case KILL_NODE_AGENT_UPDATE_DROPPED -> {
                return killNodeAgent(agent, faults::dropNextStatusUpdate);
            }
            case MASTER_FAILOVER -> faults.failoverMaster();
            case NO_MASTER_LEADER -> faults.noLeader();
            case RESTART_ETCD -> demo.restartEtcd();
            case KILL_LEADING_CONTROLLER -> {
                return replaceLeader();
            }
        }
        return "";
    }

    private boolean heal(ChaosFault fault) {
        ClusterFaults faults = demo.sim().faults();
        switch (fault.kind()) {
            case PARTITION_AGENT -> {
                return faults.healAgent(fault.agent().orElseThrow());
            }
            case DISCONNECT_AGENT -> {
                return faults.reconnectAgent(fault.agent().orElseThrow());
            }
            case NO_MASTER_LEADER -> faults.restoreLeader();
            default -> throw new IllegalStateException(fault.kind() + " is not healed");
        }
        return true;
    }

    /**
     * SIGKILLs the node agent(s) live on the agent, {@code first} done to each before. None may be
     * live (one is being relaunched): that is a fault that missed, not an error.
     */
    private String killNodeAgent(String hostname, Consumer<String> first) {
        SimAgent agent = demo.sim().agent(hostname);
        List<String> tasks = agent.liveTasks();
        tasks.forEach(task -> {
            first.accept(task);
            demo.sim().faults().failTask(task);
        });
        return tasks.isEmpty() ? " (no node agent running)" : " (" + String.join(", ", tasks) + ")";
    }

    /** Stops the replica that leads (between leaders there is none) and starts another in its place. */
    private String replaceLeader() {
        Optional<Controller> leader = demo.leader();
        if (leader.isEmpty()) {
            return " (no replica led)";
        }
        leader.get().close();
        try {
            demo.startController();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "";
    }

    /** Journals a step of the run beside the faults, e.g. when it converged. */
    public synchronized void note(String what) {
        journal.add(Duration.between(created, clock.instant()).toMillis() + " ms: " + what);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        player.shutdownNow();
        reporter.shutdownNow();
    }
}
