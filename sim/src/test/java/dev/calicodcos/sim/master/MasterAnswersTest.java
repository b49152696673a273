package dev.calicodcos.sim.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.proto.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read endpoints' answers, put together from cached pieces, are what rendering everything would give. */
class MasterAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Master master = new Master(Clock.systemUTC(), scheduler, Duration.ofSeconds(15), Duration.ofSeconds(1),
            new Master.MasterAddress("127.0.0.1", 5050), new MasterFaults());
    private final MasterAnswers answers = new MasterAnswers();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void getAgentsIsExactlyTheWholeResponsePrinted() {
        assertThat(text(answers.getAgents(master.view()))).isEqualTo(StrictJson.print(OperatorEndpoint.getAgents(master.view())));

        register("10.0.1.21", "10.0.1.22");
        register("10.0.5.10");

        assertThat(text(answers.getAgents(master.view()))).isEqualTo(StrictJson.print(OperatorEndpoint.getAgents(master.view())));
    }

    @Test
    void anUnchangedClusterGetsTheVeryBytesOfTheLastAnswer() {
        register("10.0.1.21", "10.0.1.22");

        byte[] first = answers.slaves(master.view(), Optional.empty());

        assertThat(answers.slaves(master.view(), Optional.empty())).isSameAs(first);
        assertThat(answers.getAgents(master.view())).isSameAs(answers.getAgents(master.view()));
    }

    @Test
    void aChangedAgentIsRenderedAgainAndOnlyItChanges() throws IOException {
        Protos.AgentID a = register("10.0.1.21", "10.0.1.22");
        JsonNode before = JSON.readTree(answers.slaves(master.view(), Optional.empty()));

        master.agentDisconnected(a);
        JsonNode after = JSON.readTree(answers.slaves(master.view(), Optional.empty()));

        assertThat(before.at("/slaves/0/active").asBoolean()).isTrue();
        assertThat(after.at("/slaves/0/active").asBoolean()).isFalse();
        assertThat(after.at("/slaves/1")).isEqualTo(before.at("/slaves/1"));
        assertThat(after.get("recovered_slaves")).isEmpty();
    }

    @Test
    void oneAgentAskedForByIdAndTheStateAnswerAreWholeJson() throws IOException {
        Protos.AgentID a = register("10.0.1.21", "10.0.1.22");

        JsonNode one = JSON.readTree(answers.slaves(master.view(), Optional.of(a.getValue())));
        JsonNode state = JSON.readTree(answers.state(master.view(), "127.0.0.1", 5050, 0));

        assertThat(one.get("slaves")).hasSize(1);
        assertThat(one.at("/slaves/0/id").asText()).isEqualTo(a.getValue());
        assertThat(state.get("slaves")).hasSize(2);
        assertThat(state.at("/slaves/0/used_resources_full").isMissingNode()).as("no *_full in /state").isTrue();
        assertThat(state.get("activated_slaves").asInt()).isEqualTo(2);
        assertThat(state.get("frameworks")).isEmpty();
        assertThat(state.get("unregistered_frameworks")).isEmpty();
    }

    /** Registers agents; returns the first one's ID. */
    private Protos.AgentID register(String... hostnames) {
        Protos.AgentID first = null;
        for (String host : hostnames) {
            Protos.AgentID id = master.registerAgent(host.startsWith("10.0.5.") ? AgentSpec.publicAgent(host)
                    : AgentSpec.privateAgent(host), IDLE);
            first = first == null ? id : first;
        }
        return first;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static final AgentConnection IDLE = new AgentConnection() {
        @Override
        public void launch(Protos.FrameworkID frameworkId, Protos.FrameworkInfo framework, Protos.TaskInfo task) {}

        @Override
        public void kill(Protos.TaskID taskId, Optional<Duration> gracePeriod) {}

        @Override
        public void acknowledge(Protos.TaskID taskId, ByteString uuid) {}

        @Override
        public void shutdownFramework(Protos.FrameworkID frameworkId) {}
    };
}
