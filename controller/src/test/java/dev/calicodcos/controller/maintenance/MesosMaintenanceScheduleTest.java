package dev.calicodcos.controller.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.mesos.MasterMaintenance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MesosMaintenanceScheduleTest {
    private final ObjectMapper json = new ObjectMapper();

    /** The master's schedule held as bytes, as it would answer and take them. */
    private static final class FakeMaster implements MasterMaintenance {
        byte[] schedule;

        FakeMaster(String schedule) {
            this.schedule = schedule.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] schedule() {
            return schedule;
        }

        @Override
        public void replaceSchedule(byte[] json) {
            schedule = json;
        }
    }

    @Test
    void anEmptyScheduleIsAnEmptyObject() {
        assertThat(new MesosMaintenanceSchedule(new FakeMaster("{}"), json).windows()).isEmpty();
    }

    @Test
    void theOperatorsWindowsSurviveAReadAndAWriteUnchanged() throws Exception {
        String operators = """
                {"windows":[{"machine_ids":[{"hostname":"db.example.com","ip":"10.0.9.9"},{"ip":"10.0.9.10"}],\
                "unavailability":{"start":{"nanoseconds":1764583200123456789}}},\
                {"machine_ids":[{"hostname":"cache"}],"unavailability":{"start":{"nanoseconds":5},"duration":{"nanoseconds":3600000000000}}}]}""";
        FakeMaster master = new FakeMaster(operators);
        MesosMaintenanceSchedule schedule = new MesosMaintenanceSchedule(master, json);

        List<Window> windows = schedule.windows();
        schedule.replace(windows);

        assertThat(windows.get(0)).isEqualTo(new Window(List.of(new Machine("db.example.com", "10.0.9.9"), new Machine("", "10.0.9.10")),
                1764583200123456789L, Optional.empty()));
        assertThat(json.readTree(master.schedule)).isEqualTo(json.readTree(operators));
    }
}
