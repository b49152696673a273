package dev.calicodcos.controller.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleEditTest {
    private static final long NOW = 1_000_000_000_000L;
    private static final Machine A1 = new Machine("a1.example.com", "10.0.1.1");
    private static final Machine A2 = new Machine("a2.example.com", "10.0.1.2");
    private static final Machine OTHER = new Machine("db.example.com", "10.0.9.9");
    private static final Window OPERATORS = new Window(List.of(OTHER), 5L, Optional.empty());

    private static ScheduleEdit.Wanted wanted(Machine m) {
        return new ScheduleEdit.Wanted(m, 60_000_000_000L);
    }

    private static DrainedMachines recorded(String agentId, Machine m, boolean added) {
        return new DrainedMachines(Map.of(agentId, new DrainedMachines.Entry(m.hostname(), m.ip(), added)));
    }

    @Test
    void aDrainedAgentsMachineGetsItsOwnWindowFromNowAndTheOperatorsWindowsStay() {
        ScheduleEdit edit = ScheduleEdit.of(List.of(OPERATORS), DrainedMachines.NONE, Map.of("a1", wanted(A1)), NOW);

        assertThat(edit.windows()).containsExactly(OPERATORS, new Window(List.of(A1), NOW, Optional.of(60_000_000_000L)));
        assertThat(edit.recorded()).isEqualTo(recorded("a1", A1, true));
        assertThat(edit.added()).containsExactly("a1");
        assertThat(edit.scheduleChanged()).isTrue();
    }

    @Test
    void aReleasedGrantTakesOnlyOurMachineOutKeepingTheOperatorsInASharedWindow() {
        Window shared = new Window(List.of(A1, OTHER), NOW, Optional.of(7L)); // the operator added a machine to our window

        ScheduleEdit edit = ScheduleEdit.of(List.of(OPERATORS, shared, new Window(List.of(A2), NOW, Optional.of(7L))),
                new DrainedMachines(Map.of("a1", new DrainedMachines.Entry(A1.hostname(), A1.ip(), true),
                        "a2", new DrainedMachines.Entry(A2.hostname(), A2.ip(), true))), Map.of(), NOW);

        assertThat(edit.windows()).containsExactly(OPERATORS, new Window(List.of(OTHER), NOW, Optional.of(7L)));
        assertThat(edit.removed()).containsExactly("a1", "a2");
        assertThat(edit.recorded()).isEqualTo(DrainedMachines.NONE);
    }

    @Test
    void aMachineTheOperatorAlreadyScheduledIsLeftAloneAndNeverRemoved() {
        Window operatorsA1 = new Window(List.of(A1), 5L, Optional.empty());

        ScheduleEdit taken = ScheduleEdit.of(List.of(operatorsA1), DrainedMachines.NONE, Map.of("a1", wanted(A1)), NOW);
        ScheduleEdit released = ScheduleEdit.of(List.of(operatorsA1), taken.recorded(), Map.of(), NOW);

        assertThat(taken.windows()).containsExactly(operatorsA1);
        assertThat(taken.recorded()).isEqualTo(recorded("a1", A1, false));
        assertThat(taken.scheduleChanged()).isFalse();
        assertThat(released.windows()).containsExactly(operatorsA1);
        assertThat(released.scheduleChanged()).isFalse();
    }

    @Test
    void itIsIdempotentAndPutsBackAMachineOfOursThatWentMissing() {
        ScheduleEdit first = ScheduleEdit.of(List.of(), DrainedMachines.NONE, Map.of("a1", wanted(A1)), NOW);
        ScheduleEdit again = ScheduleEdit.of(first.windows(), first.recorded(), Map.of("a1", wanted(A1)), NOW + 5);
        ScheduleEdit lost = ScheduleEdit.of(List.of(), first.recorded(), Map.of("a1", wanted(A1)), NOW + 5);

        assertThat(again.windows()).isEqualTo(first.windows());
        assertThat(again.scheduleChanged()).isFalse();
        assertThat(lost.windows()).containsExactly(new Window(List.of(A1), NOW + 5, Optional.of(60_000_000_000L)));
        assertThat(lost.added()).containsExactly("a1");
    }
}
