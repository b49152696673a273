package dev.calicodcos.sim.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.calicodcos.sim.AgentSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The v0 maintenance schedule as Mesos validates it, and workloads that honour it. */
class MaintenanceScheduleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Master master = new Master(Clock.systemUTC(), scheduler, Duration.ofSeconds(15), Duration.ofSeconds(1),
            new Master.MasterAddress("127.0.0.1", 5050), new MasterFaults());

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static String window(String machineIds, long startNanos) {
        return "{\"machine_ids\":[" + machineIds + "],\"unavailability\":{\"start\":{\"nanoseconds\":" + startNanos
                + "},\"duration\":{\"nanoseconds\":3600000000000}}}";
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"windows\":[{\"machine_ids\":[],\"unavailability\":{\"start\":{\"nanoseconds\":1}}}]}|List of machines in the maintenance window is empty",
            "{\"windows\":[{\"machine_ids\":[{}],\"unavailability\":{\"start\":{\"nanoseconds\":1}}}]}|Both 'hostname' and 'ip' for a machine are empty",
            "{\"windows\":[{\"machine_ids\":[{\"ip\":\"10.0.1\"}],\"unavailability\":{\"start\":{\"nanoseconds\":1}}}]}|Failed to parse IP '10.0.1'",
            "{\"windows\":[{\"machine_ids\":[{\"ip\":\"10.0.1.1\"}],\"unavailability\":{\"start\":{\"nanoseconds\":1},\"duration\":{\"nanoseconds\":-1}}}]}|Unavailability 'duration' is negative",
            "{\"windows\":[{\"machine_ids\":[{\"ip\":\"10.0.1.1\"}],\"unavailability\":{}}]}|Missing required fields: windows[0].unavailability.start",
            "{\"windows\":[{\"machine_ids\":[{\"ip\":\"10.0.1.1\"}],\"unavailability\":{\"start\":{\"nanoseconds\":1}}},{\"machine_ids\":[{\"ip\":\"10.0.1.1\"}],\"unavailability\":{\"start\":{\"nanoseconds\":1}}}]}|appears more than once in the schedule"})
    void anInvalidScheduleIsRefusedWithMesosReasonAndTheOldOneStays(String body, String reason) {
        master.replaceMaintenanceSchedule("{\"windows\":[" + window("{\"hostname\":\"db\",\"ip\":\"10.0.9.9\"}", 5) + "]}");
        String before = master.maintenanceScheduleJson();

        assertThat(master.replaceMaintenanceSchedule(body)).hasValueSatisfying(error -> assertThat(error).contains(reason));
        assertThat(master.maintenanceScheduleJson()).isEqualTo(before);
    }

    @Test
    void aValidScheduleReadsBackAndItsMachinesAreDraining() throws Exception {
        assertThat(master.maintenanceScheduleJson()).isEqualTo("{}");
        String schedule = "{\"windows\":[" + window("{\"hostname\":\"db\",\"ip\":\"10.0.9.9\"},{\"hostname\":\"cache\"}", 5) + "]}";

        assertThat(master.replaceMaintenanceSchedule(schedule)).isEmpty();

        assertThat(JSON.readTree(master.maintenanceScheduleJson())).isEqualTo(JSON.readTree(schedule));
        assertThat(JSON.readTree(master.maintenanceStatusJson())).isEqualTo(JSON.readTree(
                "{\"draining_machines\":[{\"id\":{\"hostname\":\"db\",\"ip\":\"10.0.9.9\"}},{\"id\":{\"hostname\":\"cache\"}}]}"));
    }

    @Test
    void aWorkloadThatHonoursMaintenanceEndsWhenItsMachineIsScheduledAndTheOthersStay() {
        Protos.AgentID busy = master.registerAgent(AgentSpec.privateAgent("10.0.1.21"), IDLE);
        Protos.AgentID other = master.registerAgent(AgentSpec.privateAgent("10.0.1.22"), IDLE);
        String moves = master.runWorkload(busy, "marathon", "web", Protos.ContainerInfo.Type.DOCKER, true);
        String stays = master.runWorkload(busy, "marathon", "db", Protos.ContainerInfo.Type.DOCKER, false);
        String elsewhere = master.runWorkload(other, "marathon", "api", Protos.ContainerInfo.Type.DOCKER, true);

        long now = System.currentTimeMillis() * 1_000_000L;
        assertThat(master.replaceMaintenanceSchedule("{\"windows\":[" + window("{\"hostname\":\"10.0.1.21\",\"ip\":\"10.0.1.21\"}", now)
                + "]}")).isEmpty();

        String frameworks = new String(new MasterAnswers().frameworks(master.view()), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(frameworks).doesNotContain(moves).contains(stays, elsewhere);
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
