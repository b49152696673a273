package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.SimAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionTimeoutException;

/** What the end-to-end tests look at: the jars, convergence, agents' host roots, Docker fakes and systemctl logs. */
final class E2e {
    static final ObjectMapper JSON = new ObjectMapper();

    private E2e() {}

    static Path jar() {
        Path jar = Path.of(System.getProperty("calico.dcos.projectDir", "../.."), "controller", "target", "calico-dcos.jar");
        assertThat(jar).as("the shaded jar (the reactor packages controller before this module's tests)").exists();
        return jar;
    }

    /** The demo's own jar, which finds {@link #jar()} in the same checkout. */
    static Path demoJar() {
        Path jar = Path.of(System.getProperty("calico.dcos.projectDir", "../.."), "demo", "target", "calico-dcos-demo.jar");
        assertThat(jar).as("the demo jar (the reactor packages demo before this module's tests)").exists();
        return jar;
    }

    static DemoCluster.Options options(int agents) {
        return DemoCluster.Options.defaults(agents, jar());
    }

    /** Waits until the newest spec revision is Ready and returns that status; on timeout, says what was not. */
    static ClusterStatus awaitReady(DemoCluster demo, Duration timeout) {
        long revision = demo.specRevision();
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> demo.status()
                    .filter(s -> s.observedGeneration() == revision && s.appliedGeneration() == revision && s.isTrue(Condition.READY))
                    .isPresent());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("spec revision " + revision + " not Ready within " + timeout + ":\n" + notReady(demo), e);
        }
        return demo.status().orElseThrow();
    }

    /** The conditions and every agent not Ready (phase, message, steps), one line each: what a failing run prints. */
    private static final Set<AgentPhase> TROUBLED = EnumSet.of(AgentPhase.FAILED, AgentPhase.BLOCKED, AgentPhase.LOST);

    static String notReady(DemoCluster demo) {
        return demo.status().map(status -> {
            StringBuilder out = new StringBuilder();
            status.conditions().forEach(c -> out.append("  ").append(c.type()).append('=').append(c.status()).append(' ')
                    .append(c.reason()).append(": ").append(c.message()).append('\n'));
            // the ones that stop a rollout first: a long report is cut from the end
            status.agents().values().stream().filter(a -> a.phase() != AgentPhase.READY)
                    .sorted(Comparator.comparing((AgentStatus a) -> !TROUBLED.contains(a.phase())).thenComparing(AgentStatus::hostname))
                    .forEach(a -> out.append("  ").append(a.hostname()).append(' ').append(a.phase()).append(' ').append(a.message())
                            .append(' ').append(a.steps()).append('\n'));
            out.append("the last events:\n");
            List<ClusterEvent> events = status.events();
            events.subList(Math.max(0, events.size() - 40), events.size()).forEach(e -> out.append("  ").append(e.time()).append(' ')
                    .append(e.reason()).append(' ').append(e.agentId()).append(' ').append(e.step()).append(' ').append(e.message()).append('\n'));
            return out.toString();
        }).orElse("  (no status)");
    }

    static String agentId(SimAgent agent) {
        return agent.id().getValue();
    }

    /** One fake systemctl call: when it started, when it returned (null while running), and its arguments. */
    record Call(String host, String args, Instant start, Instant end) {}

    static List<Call> systemctlCalls(SimAgent agent) {
        try {
            List<Call> calls = new ArrayList<>();
            Map<String, Integer> open = new HashMap<>();
            for (String line : Files.readAllLines(agent.hostRoot().systemctlLog())) {
                String[] parts = line.split(" ", 3);
                Instant at = Instant.parse(parts[0]);
                if (parts.length > 2 && parts[1].startsWith("exit=")) {
                    Integer index = open.remove(parts[2]);
                    if (index != null) {
                        Call c = calls.get(index);
                        calls.set(index, new Call(c.host(), c.args(), c.start(), at));
                    }
                } else {
                    String args = line.substring(parts[0].length() + 1);
                    open.put(args, calls.size());
                    calls.add(new Call(agent.spec().hostname(), args, at, null));
                }
            }
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Call> restarts(SimAgent agent) {
        return systemctlCalls(agent).stream().filter(c -> c.args().startsWith("restart ")).toList();
    }

    /** The most restarts (of docker or the Mesos agent) in progress at the same instant, over every agent. */
    static int maxOverlappingRestarts(List<SimAgent> agents) {
        List<Instant[]> intervals = new ArrayList<>();
        for (SimAgent agent : agents) {
            for (Call c : restarts(agent)) {
                intervals.add(new Instant[] {c.start(), c.end() == null ? Instant.MAX : c.end()});
            }
        }
        List<Map.Entry<Instant, Integer>> edges = new ArrayList<>();
        intervals.forEach(i -> {
            edges.add(Map.entry(i[0], 1));
            edges.add(Map.entry(i[1], -1));
        });
        edges.sort(Map.Entry.<Instant, Integer>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        int now = 0;
        int max = 0;
        for (Map.Entry<Instant, Integer> e : edges) {
            now += e.getValue();
            max = Math.max(max, now);
        }
        return max;
    }

    /** One disruptive window an agent's node agent logged: step, when it began, when it ended (MAX while open). */
    record Window(String host, String step, Instant begin, Instant end) {}

    /**
     * The disruptive windows of an agent, from its own {@code /var/log/calico-dcos/disruptions.log}:
     * a begin opens a window for its step (a repeated begin, after a crash, is the same window), an end closes it.
     */
    static List<Window> disruptions(SimAgent agent) {
        Path log = agent.hostRoot().root().resolve("var/log/calico-dcos/disruptions.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Window> windows = new ArrayList<>();
        Map<String, Instant> open = new HashMap<>();
        for (String line : read(log).split("\n")) {
            String[] parts = line.split(" ", 5);
            if (parts.length < 4) {
                continue;
            }
            Instant at = Instant.parse(parts[0]);
            if (parts[1].equals("begin")) {
                open.putIfAbsent(parts[2], at);
            } else if (parts[1].equals("end") && open.containsKey(parts[2])) {
                windows.add(new Window(agent.spec().hostname(), parts[2], open.remove(parts[2]), at));
            }
        }
        open.forEach((step, begin) -> windows.add(new Window(agent.spec().hostname(), step, begin, Instant.MAX)));
        return windows;
    }

    /**
     * The most agents inside a disruptive window at the same instant over the whole run, windows
     * including their stability periods and rollbacks, from every agent's own log. One agent in
     * two windows at once counts once.
     */
    static int maxAgentsDisruptedAtOnce(List<SimAgent> agents) {
        List<Map.Entry<Instant, Integer>> edges = new ArrayList<>();
        for (SimAgent agent : agents) {
            List<Window> windows = new ArrayList<>(disruptions(agent));
            windows.sort(Comparator.comparing(Window::begin));
            Instant begin = null;
            Instant end = null;
            for (Window w : windows) { // merge one agent's overlapping windows
                if (begin != null && !w.begin().isAfter(end)) {
                    end = w.end().isAfter(end) ? w.end() : end;
                    continue;
                }
                if (begin != null) {
                    edges.add(Map.entry(begin, 1));
                    edges.add(Map.entry(end, -1));
                }
                begin = w.begin();
                end = w.end();
            }
            if (begin != null) {
                edges.add(Map.entry(begin, 1));
                edges.add(Map.entry(end, -1));
            }
        }
        edges.sort(Map.Entry.<Instant, Integer>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        int now = 0;
        int max = 0;
        for (Map.Entry<Instant, Integer> e : edges) {
            now += e.getValue();
            max = Math.max(max, now);
        }
        return max;
    }

    /** Containers of an agent's Docker fake, by name (without the leading slash). */
    static Map<String, JsonNode> containers(SimAgent agent) {
        try {
            String base = agent.docker().dockerHost().replace("tcp://", "http://");
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/containers/json?all=1")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, JsonNode> byName = new HashMap<>();
            for (JsonNode c : JSON.readTree(body)) {
                byName.put(c.path("Names").path(0).asText().replaceFirst("^/", ""), c);
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} private agents {@code <subnet>.1}… on Docker 20.10, whose cluster store needs a docker restart (a disruption). */
    static List<AgentSpec> docker20Agents(String subnet, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> AgentSpec.privateAgent(subnet + "." + i).withDockerVersion("20.10.24")).toList();
    }

    /**
     * Each step acted once on a Docker 20.10 agent, nothing redone: docker restarted once (its only
     * restart), the etcd proxy started once, each Calico container started once.
     */
    static void assertEachStepActedOnce(SimAgent agent) {
        String host = agent.spec().hostname();
        assertThat(restarts(agent)).as(host + ": restarts").extracting(Call::args).containsExactly("restart docker");
        assertThat(agent.hostServices().startCount("calico-dcos-etcd-proxy")).as(host + ": etcd proxy starts").isEqualTo(1);
        assertThat(agent.docker().startCount("calico-libnetwork")).as(host + ": calico-libnetwork starts").isEqualTo(1);
        assertThat(agent.docker().startCount("calico-node")).as(host + ": calico-node starts").isEqualTo(1);
    }

    /** Whether the agent is inside a disruptive window now, by its own log: a begin without its end. */
    static boolean inWindow(SimAgent agent) {
        return disruptions(agent).stream().anyMatch(w -> w.end().equals(Instant.MAX));
    }

    /** Waits until some agent is inside a disruptive window (so it holds a restart slot) and returns it. */
    static SimAgent awaitAgentInWindow(List<SimAgent> agents, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> agents.stream().filter(E2e::inWindow).findFirst(), Optional::isPresent).orElseThrow();
    }

    /** The status's events of {@code reason} about {@code agent}, oldest first. */
    static List<ClusterEvent> events(DemoCluster demo, String reason, SimAgent agent) {
        return demo.status().map(s -> s.events().stream()
                .filter(e -> e.reason().equals(reason) && agentId(agent).equals(e.agentId())).toList()).orElse(List.of());
    }

    /** Waits for the first event of {@code reason} about {@code agent} and returns it. */
    static ClusterEvent awaitEvent(DemoCluster demo, String reason, SimAgent agent, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> events(demo, reason, agent), e -> !e.isEmpty()).get(0);
    }

    /** The agent's row in the status, if it has one. */
    static Optional<AgentStatus> row(DemoCluster demo, SimAgent agent) {
        return demo.status().map(s -> s.agents().get(agentId(agent)));
    }

    static boolean hasPhase(DemoCluster demo, SimAgent agent, AgentPhase phase) {
        return row(demo, agent).map(r -> r.phase() == phase).orElse(false);
    }

    /**
     * The node-agent tasks the Mesos master lists now (every live one, unreachable included), as
     * task ID to state, by agent ID; from {@code /master/state}, the master's own bookkeeping.
     */
    static Map<String, Map<String, String>> nodeAgentTasks(DemoCluster demo) {
        Map<String, Map<String, String>> byAgent = new TreeMap<>();
        for (JsonNode framework : masterState(demo).path("frameworks")) {
            for (JsonNode task : framework.path("tasks")) {
                if (task.path("id").asText().startsWith("calico-node-agent_")) {
                    byAgent.computeIfAbsent(task.path("slave_id").asText(), k -> new TreeMap<>())
                            .put(task.path("id").asText(), task.path("state").asText());
                }
            }
        }
        return byAgent;
    }

    /** {@code GET /master/state} of the leading master. */
    static JsonNode masterState(DemoCluster demo) {
        try {
            HttpRequest request = HttpRequest.newBuilder(demo.sim().masterUrl().resolve("/master/state")).build();
            return JSON.readTree(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Comparator<SimAgent> byHost() {
        return Comparator.comparing(a -> a.spec().hostname());
    }
}
