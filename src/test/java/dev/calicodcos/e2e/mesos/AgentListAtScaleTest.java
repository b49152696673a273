package dev.calicodcos.e2e.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.agents.MesosAgentSource;
import dev.calicodcos.controller.mesos.HttpMesosMaster;
import dev.calicodcos.controller.mesos.MasterClientConfig;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.controller.plan.AgentView;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.SimulatedCluster;
import dev.calicodcos.sim.agent.SimAgent;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A simulated cluster of 10,000 agents is not the bottleneck: it starts in seconds, agents without tasks
 * cost no files, ports or threads, and the controller's own client reads the agent list from it in well
 * under its poll interval. Prints the figures recorded in sim/README.md ("Scale").
 */
@Tag("integration")
class AgentListAtScaleTest {
    private static final int AGENTS = 10_000;
    private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();

    @Test
    void tenThousandAgentsStartInSecondsAndTheControllersClientListsThemQuickly() throws Exception {
        List<AgentSpec> specs = IntStream.range(0, AGENTS).mapToObj(i -> AgentSpec.privateAgent("10.4." + i / 250 + "." + i % 250)).toList();
        int threadsBefore = Thread.activeCount();
        long heapBefore = usedHeapAfterGc();
        Timed<SimulatedCluster> started = timed(() -> start(specs));
        try (SimulatedCluster cluster = started.value()) {
            long heap = usedHeapAfterGc() - heapBefore;
            int threads = Thread.activeCount() - threadsBefore;
            MesosAgentSource source = new MesosAgentSource(new HttpMesosMaster(HTTP,
                    MasterClientConfig.defaults(MasterEndpoint.direct(cluster.masterUrl().toString())), new ObjectMapper()));

            Timed<List<AgentView>> first = timed(source::agents);
            Timed<List<AgentView>> again = timed(source::agents);
            Timed<Integer> slaves = timed(() -> size(get(cluster, "/master/slaves")));
            Timed<Integer> state = timed(() -> size(get(cluster, "/master/state")));
            Timed<Integer> stateAgain = timed(() -> size(get(cluster, "/master/state")));
            Timed<Integer> getAgents = timed(() -> size(post(cluster, "/api/v1", "{\"type\":\"GET_AGENTS\"}")));
            Timed<Integer> getAgentsAgain = timed(() -> size(post(cluster, "/api/v1", "{\"type\":\"GET_AGENTS\"}")));

            System.out.printf("%d agents (load average %.1f; times wall / CPU of this JVM, simulator and client together):%n"
                            + "  started in %s, heap +%d MiB, threads +%d%n"
                            + "  MesosAgentSource.agents(): first %s, then %s%n"
                            + "  /master/slaves %d bytes (%d per agent), read in %s%n"
                            + "  /master/state %d bytes: first %s, then %s%n"
                            + "  GET_AGENTS %d bytes: first %s, then %s%n",
                    AGENTS, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), started, heap >> 20, threads,
                    first, again, slaves.value(), slaves.value() / AGENTS, slaves, state.value(), state, stateAgain,
                    getAgents.value(), getAgents, getAgentsAgain);
            assertThat(first.value()).hasSize(AGENTS).allSatisfy(a -> assertThat(a.active()).isTrue());
            assertThat(again.value()).isEqualTo(first.value());
            assertThat(cluster.agents()).noneMatch(SimAgent::hostStarted);
            assertThat(threads).as("no thread per agent").isLessThan(50);
            assertThat(heap).as("heap for 10,000 idle agents").isLessThan(256L << 20);
            assertThat(started.millis()).isLessThan(60_000);
            assertThat(again.millis()).as("an unchanged list answers from the cache").isLessThan(10_000);
            assertThat((long) slaves.value()).as("fits the controller's limit")
                    .isLessThan(MasterClientConfig.DEFAULT_MAX_AGENT_LIST_BYTES / 3);
        }
    }

    private static SimulatedCluster start(List<AgentSpec> specs) {
        try {
            return SimulatedCluster.builder().agents(specs).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A value with the wall time and the CPU time of this process it took (the machine may be busy). */
    private record Timed<T>(T value, long millis, long cpuMillis) {
        @Override
        public String toString() {
            return millis + " ms / " + cpuMillis + " ms CPU";
        }
    }

    private static <T> Timed<T> timed(Supplier<T> what) {
        long start = System.nanoTime();
        long cpu = cpuNanos();
        T value = what.get();
        return new Timed<>(value, (System.nanoTime() - start) / 1_000_000, (cpuNanos() - cpu) / 1_000_000);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Response get(SimulatedCluster cluster, String path) {
        return call(new Request.Builder().url(cluster.masterUrl().resolve(path).toString()).build());
    }

    private static Response post(SimulatedCluster cluster, String path, String json) {
        return call(new Request.Builder().url(cluster.masterUrl().resolve(path).toString())
                .header("Accept", "application/json").header("Content-Type", "application/json")   // exactly, no charset
                .post(RequestBody.create(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))).build());
    }

    private static Response call(Request request) {
        try {
            return HTTP.newCall(request).execute();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The body's length as read, without keeping it. */
    private static int size(Response response) {
        try (response) {
            assertThat(response.code()).isEqualTo(200);
            return response.body().bytes().length;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
