package dev.calicodcos.controller.plan;

import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.spec.StepName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a restart grant disrupts on its agent, in words for its {@code RestartGranted} event: which
 * running tasks of other frameworks the restart stops, from the master's listing and the agent's
 * facts. A Docker restart stops the Docker-containerizer tasks unless dockerd has {@code live-restore};
 * a Mesos agent restart disrupts every task, and those of checkpointing frameworks are recovered; the
 * etcd proxy and the Calico containers stop no task. Bounded: at most {@value #MAX_NAMED} task names
 * and {@value #MAX_FRAMEWORKS} frameworks are named. Pure.
 */
public final class RestartImpact {
    static final int MAX_NAMED = 5;
    static final int MAX_FRAMEWORKS = 3;
    private static final int MAX_NAME = 48;
    /** A listing older than this is dated in the text (the cache refreshes every ~30 s while an agent waits). */
    private static final Duration DATED = Duration.ofSeconds(10);

    private RestartImpact() {}

    /** Whether a restart for {@code step} can stop other frameworks' tasks, so that a grant for it wants the workloads. */
    public static boolean touchesWorkloads(StepName step) {
        return step == StepName.DOCKER_CLUSTER_STORE || step == StepName.CNI;
    }

    /** Whether the agent waits for a restart slot for a step whose restart can stop workloads (the next grant it gets). */
    public static boolean awaitsDisruptiveRestart(AgentReport report) {
        return report != null && RestartBudget.waiting(report).map(c -> touchesWorkloads(c.step())).orElse(false);
    }

    /** The workload part of a grant's message, starting with {@code "; "}. */
    static String describe(StepName step, String agentId, AgentReport report, Workloads workloads, Instant now) {
        return switch (step) {
            case ETCD_PROXY -> "; only the etcd proxy restarts: no task stops";
            case LIBNETWORK -> "; the Calico libnetwork plugin container is replaced: no task stops";
            case NODE -> "; the calico/node container is replaced: no task stops (Calico networking of the agent's tasks may blip)";
            case DOCKER_CLUSTER_STORE -> workloads.on(agentId).map(tasks -> docker(tasks, liveRestore(report)) + dated(workloads, now))
                    .orElseGet(() -> unknown(workloads));
            case CNI -> workloads.on(agentId).map(tasks -> mesosAgent(tasks) + dated(workloads, now))
                    .orElseGet(() -> unknown(workloads));
        };
    }

    private static Optional<Boolean> liveRestore(AgentReport report) {
        return report == null ? Optional.empty() : report.facts().dockerLiveRestore();
    }

    private static String docker(List<Workload> tasks, Optional<Boolean> liveRestore) {
        List<Workload> docker = tasks.stream().filter(t -> t.containerizer() == Workload.Containerizer.DOCKER).toList();
        int others = tasks.size() - docker.size();
        if (docker.isEmpty()) {
            return others == 0 ? "; no running workloads"
                    : "; no running Docker-containerizer tasks (" + tasks(others) + " of the Mesos containerizer not affected)";
        }
        String which = tasks(docker.size()) + " of the Docker containerizer (" + named(docker) + ")";
        if (liveRestore.orElse(false)) {
            return "; live-restore on: " + which + " keep running";
        }
        return liveRestore.isPresent() ? "; docker restart stops " + which
                : "; docker restart stops up to " + which + " (live-restore not reported)";
    }

    private static String mesosAgent(List<Workload> tasks) {
        if (tasks.isEmpty()) {
            return "; no running workloads";
        }
        List<Workload> lost = tasks.stream().filter(t -> !t.checkpointed()).toList();
        String text = "; Mesos agent restart disrupts up to " + tasks(tasks.size()) + " (" + named(tasks)
                + "), recovered when their framework checkpoints";
        if (lost.isEmpty()) {
            return text;
        }
        String frameworks = lost.stream().map(t -> shortened(t.framework())).distinct().sorted().limit(MAX_FRAMEWORKS)
                .collect(Collectors.joining(", "));
        return text + "; " + tasks(lost.size()) + " of frameworks without checkpointing (" + frameworks + ") will be lost";
    }

    private static String unknown(Workloads workloads) {
        return "; workloads unknown: " + workloads.unknownBecause().orElse("no listing");
    }

    private static String dated(Workloads workloads, Instant now) {
        long age = Duration.between(workloads.listedAt(), now).toSeconds();
        return age >= DATED.toSeconds() ? " (as listed by the Mesos master " + age + " s earlier)" : "";
    }

    /** "2 of marathon: api, web; 1 of kafka: broker-0", biggest framework first, bounded. */
    static String named(List<Workload> tasks) {
        Map<String, List<String>> byFramework = new TreeMap<>();
        tasks.forEach(t -> byFramework.computeIfAbsent(t.framework(), f -> new ArrayList<>()).add(t.task()));
        List<Map.Entry<String, List<String>>> groups = byFramework.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, List<String>> e) -> -e.getValue().size()).thenComparing(Map.Entry::getKey))
                .toList();
        List<String> parts = new ArrayList<>();
        int namesLeft = MAX_NAMED;
        for (Map.Entry<String, List<String>> group : groups.subList(0, Math.min(MAX_FRAMEWORKS, groups.size()))) {
            List<String> names = group.getValue().stream().sorted().map(RestartImpact::shortened).toList();
            int shown = Math.min(namesLeft, names.size());
            namesLeft -= shown;
            String list = shown == 0 ? "" : ": " + String.join(", ", names.subList(0, shown))
                    + (shown < names.size() ? " and " + (names.size() - shown) + " more" : "");
            parts.add(names.size() + " of " + shortened(group.getKey()) + list);
        }
        if (groups.size() > MAX_FRAMEWORKS) {
            List<Map.Entry<String, List<String>>> rest = groups.subList(MAX_FRAMEWORKS, groups.size());
            int count = rest.stream().mapToInt(e -> e.getValue().size()).sum();
            parts.add(count + " of " + rest.size() + " more frameworks");
        }
        return String.join("; ", parts);
    }

    private static String tasks(int n) {
        return n == 1 ? "1 running task" : n + " running tasks";
    }

    private static String shortened(String name) {
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1) + "…";
    }
}
