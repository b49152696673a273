package dev.calicodcos.controller.plan;

import dev.calicodcos.model.spec.StepName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What applying a spec would do on the agents, forecast by {@link DisruptionForecast} from their
 * plans and last reports. Agents that do not take part are listed apart, never guessed at.
 *
 * @param selected              agents with a plan that installs Calico (the agents selected now)
 * @param reruns                per step, the reporting selected agents that re-run it (removals included)
 * @param removals              per step, those of them that remove it (the new spec turns it off)
 * @param effects               per effect, how many agents it happens on and their versions
 * @param disruptiveAgents      agents with at least one disruptive action
 * @param disruptiveActions     disruptive actions in all: each holds a restart slot for its own window
 * @param maxConcurrentRestarts the new spec's {@code rollout.maxConcurrentRestarts}
 * @param minWaves              a lower bound on restart waves: ceil(disruptiveActions / maxConcurrentRestarts)
 * @param notReporting          selected agents without a report: they re-run too, with effects unknown
 * @param blocked               selected agents whose node agent stands down (a blocker, or DC/OS's own Calico)
 * @param outsideSelector       agents with a report but no plan, or a plan that uninstalls
 * @param newlyExcluded         selected agents that the new spec's {@code agents.exclude} names: Calico is removed
 * @param selectorChanged       {@code agents.roles} or {@code agents.attributes} change: which agents the new
 *                              selector picks is decided against the Mesos master's list, not forecast here
 * @param agents                every reporting selected agent that re-runs a step, disruptive ones first
 */
public record Forecast(
        int selected,
        Map<StepName, Integer> reruns,
        Map<StepName, Integer> removals,
        List<Count> effects,
        int disruptiveAgents,
        int disruptiveActions,
        int maxConcurrentRestarts,
        int minWaves,
        List<String> notReporting,
        List<String> blocked,
        List<String> outsideSelector,
        List<String> newlyExcluded,
        boolean selectorChanged,
        List<Agent> agents) {

    public Forecast {
        reruns = Map.copyOf(reruns);
        removals = Map.copyOf(removals);
        effects = List.copyOf(effects);
        notReporting = List.copyOf(notReporting);
        blocked = List.copyOf(blocked);
        outsideSelector = List.copyOf(outsideSelector);
        newlyExcluded = List.copyOf(newlyExcluded);
        agents = List.copyOf(agents);
    }

    /** One agent that re-runs steps; {@code hostname} is the Mesos host name, else the reported node name. */
    public record Agent(String agentId, String hostname, Optional<String> ip, List<StepName> reruns, List<StepName> removals,
                        List<Action> actions) {
        public Agent {
            reruns = List.copyOf(reruns);
            removals = List.copyOf(removals);
            actions = List.copyOf(actions);
        }

        public List<Action> disruptiveActions() {
            return actions.stream().filter(a -> a.effect().disruptive()).toList();
        }
    }

    /** What one step's re-run does on one agent; {@code version} is what decided it, e.g. {@code Mesos 1.0}. */
    public record Action(StepName step, Effect effect, Optional<String> version) {
        public String describe() {
            return effect.phrase() + version.map(v -> " (" + v + ")").orElse("");
        }
    }

    /** How many agents an effect happens on, and the versions that decided it there (sorted). */
    public record Count(Effect effect, int agents, List<String> versions) {
        public Count {
            versions = List.copyOf(versions);
        }
    }

    /** The consequences of a re-run worth telling; a disruptive one takes a restart slot. */
    public enum Effect {
        RESTART_DOCKER("restart docker", true),
        RELOAD_DOCKER("reload docker", false),
        DOCKER_WITHOUT_CLUSTER_STORE("leave docker alone, no cluster store", false),
        RESTART_MESOS_AGENT("restart the Mesos agent", true),
        RESTART_ETCD_PROXY("restart the etcd proxy", true),
        STOP_ETCD_PROXY("stop the etcd proxy", true),
        REPLACE_NODE("replace calico/node", true),
        REMOVE_NODE("remove calico/node", true),
        REPLACE_LIBNETWORK("replace the libnetwork plugin", true),
        REMOVE_LIBNETWORK("remove the libnetwork plugin", true);

        private final String phrase;
        private final boolean disruptive;

        Effect(String phrase, boolean disruptive) {
            this.phrase = phrase;
            this.disruptive = disruptive;
        }

        /** Follows "will": {@code 3 will restart docker}. */
        public String phrase() {
            return phrase;
        }

        public boolean disruptive() {
            return disruptive;
        }
    }
}
