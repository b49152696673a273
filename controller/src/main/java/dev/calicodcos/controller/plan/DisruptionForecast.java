package dev.calicodcos.controller.plan;

import dev.calicodcos.controller.plan.Forecast.Action;
import dev.calicodcos.controller.plan.Forecast.Effect;
import dev.calicodcos.model.agent.AgentPlan;
import dev.calicodcos.model.agent.AgentReport;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.agent.StepReport;
import dev.calicodcos.model.spec.AgentSelector;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.CniStep;
import dev.calicodcos.model.spec.DockerClusterStoreStep;
import dev.calicodcos.model.spec.EtcdConnection;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.spec.TlsFiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Forecasts what applying {@code wanted} does on each agent, from what the agents last reported.
 * Pure: the same documents give the same forecast. The rules mirror the step reconcilers
 * (reconcilers/DESIGN.md) without running them; they are a forecast, and the node agents decide:
 * <ul>
 * <li>an agent re-runs a step when the step's spec-level hash in {@code wanted} differs from the one in
 *     its plan; a step {@code wanted} turns off is removed;</li>
 * <li>{@code dockerClusterStore}: nothing on Docker ≥ 23 (no cluster store); nothing when the keys it
 *     writes to daemon.json stay the same; a reload with {@code applyMethod: reload} on Docker &lt; 20
 *     (from 20.10 a reload keeps the old store); otherwise, or with the version unknown, a restart;
 *     removing it restarts docker where the store was in use;</li>
 * <li>{@code cni}: a restart of the Mesos agent when the files it installs change and the agent needs
 *     one ({@code agentRestart: always}, or {@code auto} on a known Mesos &lt; 1.2);</li>
 * <li>{@code etcdProxy}, {@code node}, {@code libnetwork}: where the proxy or container runs, the
 *     proxy restarts or the container is replaced (stopped, and the new one started and gated);
 *     removing them stops what runs. Where nothing runs, it is just started.</li>
 * </ul>
 */
public final class DisruptionForecast {
    /** {@code Mesos 1.10} after {@code Mesos 1.2}; text without a version last. */
    private static final Comparator<String> BY_VERSION = Comparator.comparing((String shown) ->
            version(shown.replaceAll("^[^0-9]*", "")).map(v -> v[0] * 1_000_000L + v[1]).orElse(Long.MAX_VALUE))
            .thenComparing(Comparator.naturalOrder());

    private DisruptionForecast() {}

    /**
     * @param current      the spec the plans were made from (the spec in force), empty when there is none
     * @param wanted       the spec that would be applied
     * @param wantedHashes {@code StepHashes.of(wanted)}
     * @param plans        every agent's plan, by agent id
     * @param reports      every agent's last report, by agent id
     * @param hostnames    the Mesos host name of agents known to the status, by agent id
     */
    public record Input(Optional<CalicoClusterSpec> current, CalicoClusterSpec wanted, Map<StepName, String> wantedHashes,
                        Map<String, AgentPlan> plans, Map<String, AgentReport> reports, Map<String, String> hostnames) {}

    public static Forecast of(Input in) {
        List<String> notReporting = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        List<String> newlyExcluded = new ArrayList<>();
        List<Forecast.Agent> agents = new ArrayList<>();
        Set<String> outsideSelector = new TreeSet<>(in.reports().keySet());
        int selected = 0;
        for (AgentPlan plan : new TreeMap<>(in.plans()).values()) {
            if (plan.uninstall()) {
                outsideSelector.add(plan.agentId());
                continue;
            }
            outsideSelector.remove(plan.agentId());
            selected++;
            AgentReport report = in.reports().get(plan.agentId());
            String hostname = hostname(in, plan.agentId(), report);
            if (excludes(in.wanted().agents(), plan.agentId(), hostname)) {
                newlyExcluded.add(plan.agentId());
            } else if (report == null) {
                notReporting.add(plan.agentId());
            } else if (!report.blockers().isEmpty() || report.facts().nativeCalico()) {
                blocked.add(plan.agentId());
            } else {
                agent(in, plan, report, hostname).ifPresent(agents::add);
            }
        }
        agents.sort(Comparator.comparing((Forecast.Agent a) -> a.disruptiveActions().isEmpty()).thenComparing(Forecast.Agent::agentId));
        int disruptiveActions = agents.stream().mapToInt(a -> a.disruptiveActions().size()).sum();
        int maxRestarts = in.wanted().rollout().maxConcurrentRestarts();
        return new Forecast(selected, count(agents, Forecast.Agent::reruns), count(agents, Forecast.Agent::removals), effects(agents),
                (int) agents.stream().filter(a -> !a.disruptiveActions().isEmpty()).count(), disruptiveActions, maxRestarts,
                (disruptiveActions + maxRestarts - 1) / maxRestarts, notReporting, blocked, List.copyOf(outsideSelector),
                newlyExcluded, selectorChanged(in.current(), in.wanted()), agents);
    }

    private static Optional<Forecast.Agent> agent(Input in, AgentPlan plan, AgentReport report, String hostname) {
        List<StepName> reruns = new ArrayList<>();
        List<StepName> removals = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        for (StepName step : StepName.values()) {
            if (in.wantedHashes().get(step).equals(plan.stepHashes().get(step))) {
                continue;
            }
            boolean removal = !step.enabledIn(in.wanted());
            reruns.add(step);
            if (removal) {
                removals.add(step);
            }
            Optional<StepReport> last = Optional.ofNullable(report.steps().get(step));
            Optional<CalicoClusterSpec> before = in.current().filter(step::enabledIn);
            (removal ? removalEffect(step, report, last) : rerunEffect(step, before, in.wanted(), report, last)).ifPresent(actions::add);
        }
        if (reruns.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Forecast.Agent(plan.agentId(), hostname, report.facts().ip(), reruns, removals, actions));
    }

    private static Optional<Action> rerunEffect(StepName step, Optional<CalicoClusterSpec> before, CalicoClusterSpec wanted,
                                                AgentReport report, Optional<StepReport> last) {
        return switch (step) {
            case ETCD_PROXY -> runs(last) ? action(step, Effect.RESTART_ETCD_PROXY) : Optional.empty();
            case DOCKER_CLUSTER_STORE -> dockerEffect(before, wanted, report, last);
            case CNI -> cniEffect(before, wanted, report);
            case LIBNETWORK -> runs(last) ? action(step, Effect.REPLACE_LIBNETWORK) : Optional.empty();
            case NODE -> runs(last) ? action(step, Effect.REPLACE_NODE) : Optional.empty();
        };
    }

    private static Optional<Action> dockerEffect(Optional<CalicoClusterSpec> before, CalicoClusterSpec wanted, AgentReport report,
                                                 Optional<StepReport> last) {
        StepName step = StepName.DOCKER_CLUSTER_STORE;
        Optional<String> docker = report.facts().dockerVersion();
        Optional<String> shown = dockerShown(report);
        if (withoutClusterStore(docker, last)) {
            return Optional.of(new Action(step, Effect.DOCKER_WITHOUT_CLUSTER_STORE, shown));
        }
        if (before.map(DaemonKeys::of).equals(Optional.of(DaemonKeys.of(wanted)))) {
            return Optional.empty(); // e.g. only applyMethod or takeOver changed: daemon.json stays as it is
        }
        boolean reloadApplies = docker.flatMap(DisruptionForecast::version).map(v -> v[0] < 20).orElse(false);
        if (wanted.dockerClusterStore().applyMethod() == DockerClusterStoreStep.ApplyMethod.RELOAD && reloadApplies) {
            return Optional.of(new Action(step, Effect.RELOAD_DOCKER, shown));
        }
        return Optional.of(new Action(step, Effect.RESTART_DOCKER, shown.or(() -> Optional.of("Docker version unknown"))));
    }

    private static Optional<Action> cniEffect(Optional<CalicoClusterSpec> before, CalicoClusterSpec wanted, AgentReport report) {
        if (before.map(CniFiles::of).equals(Optional.of(CniFiles.of(wanted)))) {
            return Optional.empty(); // e.g. only agentRestart changed: no file changes, so nothing to restart for
        }
        Optional<String> mesos = report.facts().mesosVersion();
        boolean restart = switch (wanted.cni().agentRestart()) {
            case ALWAYS -> true;
            case NEVER -> false;
            // Mesos < 1.2 (DC/OS 1.8) learns CNI networks only when it starts; later versions re-read the directory.
            case AUTO -> mesos.flatMap(DisruptionForecast::version).map(v -> v[0] < 1 || v[0] == 1 && v[1] < 2).orElse(false);
        };
        return restart
                ? Optional.of(new Action(StepName.CNI, Effect.RESTART_MESOS_AGENT, mesos.map(v -> "Mesos " + majorMinor(v))))
                : Optional.empty();
    }

    private static Optional<Action> removalEffect(StepName step, AgentReport report, Optional<StepReport> last) {
        return switch (step) {
            case ETCD_PROXY -> runs(last) ? action(step, Effect.STOP_ETCD_PROXY) : Optional.empty();
            // Docker forgets the store only when it restarts; the node agent restarts it where the store was in use.
            case DOCKER_CLUSTER_STORE -> !withoutClusterStore(report.facts().dockerVersion(), last)
                    && last.map(s -> s.phase() == StepPhase.DONE).orElse(false)
                    ? Optional.of(new Action(step, Effect.RESTART_DOCKER, dockerShown(report)))
                    : Optional.empty();
            case CNI -> Optional.empty(); // removing the files never restarts the Mesos agent
            case LIBNETWORK -> runs(last) ? action(step, Effect.REMOVE_LIBNETWORK) : Optional.empty();
            case NODE -> runs(last) ? action(step, Effect.REMOVE_NODE) : Optional.empty();
        };
    }

    private static Optional<String> dockerShown(AgentReport report) {
        return report.facts().dockerVersion().map(v -> "Docker " + majorMinor(v));
    }

    private static Optional<Action> action(StepName step, Effect effect) {
        return Optional.of(new Action(step, effect, Optional.empty()));
    }

    /** The service or container the step keeps is there: the step converged, is restarting it, or observed it. */
    private static boolean runs(Optional<StepReport> last) {
        return last.map(s -> Set.of(StepPhase.DONE, StepPhase.AWAITING_RESTART, StepPhase.RESTARTING).contains(s.phase())
                || s.observedHash().isPresent()).orElse(false);
    }

    private static boolean withoutClusterStore(Optional<String> docker, Optional<StepReport> last) {
        return docker.flatMap(DisruptionForecast::version).map(v -> v[0] >= 23)
                .orElseGet(() -> last.map(s -> s.phase() == StepPhase.UNSUPPORTED).orElse(false));
    }

    private static String hostname(Input in, String agentId, AgentReport report) {
        return Optional.ofNullable(in.hostnames().get(agentId))
                .or(() -> Optional.ofNullable(report).map(r -> r.facts().nodeName()))
                .orElse("");
    }

    private static boolean excludes(AgentSelector selector, String agentId, String hostname) {
        return selector.exclude().contains(agentId) || !hostname.isEmpty() && selector.exclude().contains(hostname);
    }

    private static boolean selectorChanged(Optional<CalicoClusterSpec> current, CalicoClusterSpec wanted) {
        return current.map(c -> !c.agents().roles().equals(wanted.agents().roles())
                || !c.agents().attributes().equals(wanted.agents().attributes())).orElse(false);
    }

    private static Map<StepName, Integer> count(List<Forecast.Agent> agents, Function<Forecast.Agent, List<StepName>> steps) {
        Map<StepName, Integer> counts = new EnumMap<>(StepName.class);
        agents.forEach(a -> steps.apply(a).forEach(s -> counts.merge(s, 1, Integer::sum)));
        return counts;
    }

    /** Per effect (in the order of {@link Effect}): the agents and the versions seen there, lowest first. */
    private static List<Forecast.Count> effects(List<Forecast.Agent> agents) {
        Map<Effect, List<Action>> byEffect = agents.stream().flatMap(a -> a.actions().stream())
                .collect(Collectors.groupingBy(Action::effect, () -> new EnumMap<>(Effect.class), Collectors.toList()));
        List<Forecast.Count> counts = new ArrayList<>();
        byEffect.forEach((effect, actions) -> counts.add(new Forecast.Count(effect, actions.size(),
                actions.stream().map(Action::version).flatMap(Optional::stream).distinct()
                        .sorted(BY_VERSION).toList())));
        return counts;
    }

    /** {@code 20.10.24+dfsg1} → {@code 20.10}; {@code 17.03.2-ce} → {@code 17.03}: as written, so people recognise it. */
    static String majorMinor(String version) {
        String[] parts = version.trim().split("\\.");
        return version(version).map(v -> parts[0].replaceAll("[^0-9].*", "")
                + "." + (parts.length > 1 ? parts[1].replaceAll("[^0-9].*", "") : "0")).orElse(version);
    }

    /** Major and minor of a version string, when it starts with a number. */
    static Optional<int[]> version(String text) {
        String[] parts = text.trim().split("\\.");
        String major = parts[0].replaceAll("[^0-9].*", "");
        String minor = parts.length > 1 ? parts[1].replaceAll("[^0-9].*", "") : "0";
        if (major.isEmpty() || major.length() > 6 || minor.length() > 6) {
            return Optional.empty();
        }
        return Optional.of(new int[] {Integer.parseInt(major), minor.isEmpty() ? 0 : Integer.parseInt(minor)});
    }

    /** What {@code dockerClusterStore} writes into daemon.json: a change of anything else restarts nothing. */
    private record DaemonKeys(String daemonConfig, Optional<String> clusterStore, Optional<String> clusterAdvertise,
                              List<String> etcdEndpoints, Optional<TlsFiles> etcdTls) {
        static DaemonKeys of(CalicoClusterSpec spec) {
            DockerClusterStoreStep step = spec.dockerClusterStore();
            boolean derived = step.clusterStore().isEmpty(); // an explicit store ignores the etcd settings
            return new DaemonKeys(step.daemonConfig(), step.clusterStore(), step.clusterAdvertise(),
                    derived ? spec.etcd().endpoints() : List.of(), derived ? spec.etcd().tls() : Optional.empty());
        }
    }

    /** What {@code cni} installs (binaries and calico.cni): {@code agentRestart} alone changes no file. */
    private record CniFiles(String pluginsDir, String configDir, CniStep.Plugins plugins, String networkName, int mtu,
                            CniStep.LogLevel logLevel, CniStep.Ipam ipam, List<String> etcdEndpoints, Optional<TlsFiles> etcdTls) {
        static CniFiles of(CalicoClusterSpec spec) {
            CniStep cni = spec.cni();
            EtcdConnection etcd = spec.etcd();
            return new CniFiles(cni.pluginsDir(), cni.configDir(), cni.plugins(), cni.networkName(), cni.mtu(), cni.logLevel(),
                    cni.ipam(), etcd.endpoints(), etcd.tls());
        }
    }
}
