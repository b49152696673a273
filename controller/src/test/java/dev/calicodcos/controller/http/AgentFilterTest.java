package dev.calicodcos.controller.http;

import static dev.calicodcos.controller.http.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentFilterTest {
    private final List<AgentStatus> agents = List.of(
            row("a1", AgentPhase.READY),
            row("a2", AgentPhase.FAILED, StepPhase.FAILED),
            row("a3", AgentPhase.AWAITING_RESTART, StepPhase.AWAITING_RESTART),
            row("a4", AgentPhase.BLOCKED, StepPhase.BLOCKED),
            new AgentStatus("a5", "host-a5", AgentPhase.PENDING, 0, Map.of(), "", null, null));

    @Test
    void phasesAreACommaListInAnyCase() {
        assertThat(AgentFilter.parsePhases("failed, Blocked")).containsExactlyInAnyOrder(AgentPhase.FAILED, AgentPhase.BLOCKED);
        assertThat(ids(new AgentFilter(AgentFilter.parsePhases("failed,blocked"), Optional.empty(), ""))).containsExactly("a2", "a4");
    }

    @Test
    void anUnknownPhaseIsNamedWithThePhasesThereAre() {
        assertThatThrownBy(() -> AgentFilter.parsePhases("failed,broken"))
                .hasMessageContaining("unknown phase 'broken'").hasMessageContaining("AWAITING_RESTART");
        assertThatThrownBy(() -> AgentFilter.parsePhases("failed,")).hasMessageContaining("empty phase");
    }

    @Test
    void aStepAloneMatchesTheAgentsWhereItIsNotSettledYetWithOrWithoutACell() {
        AgentFilter.StepFilter cni = AgentFilter.StepFilter.parse("cni");

        assertThat(cni).isEqualTo(new AgentFilter.StepFilter(StepName.CNI, Set.of()));
        assertThat(ids(new AgentFilter(Set.of(), Optional.of(cni), ""))).containsExactly("a2", "a3", "a4", "a5");
    }

    @Test
    void aStepWithPhasesMatchesTheAgentsWhoseCellIsInOne() {
        AgentFilter.StepFilter failedOrWaiting = AgentFilter.StepFilter.parse("CNI:failed,awaiting_restart");

        assertThat(failedOrWaiting.phases()).containsExactlyInAnyOrder(StepPhase.FAILED, StepPhase.AWAITING_RESTART);
        assertThat(ids(new AgentFilter(Set.of(), Optional.of(failedOrWaiting), ""))).containsExactly("a2", "a3");
        assertThat(ids(new AgentFilter(Set.of(), Optional.of(AgentFilter.StepFilter.parse("node:done")), "")))
                .containsExactly("a1", "a2", "a3", "a4");
    }

    @Test
    void anUnknownStepOrStepPhaseIsNamed() {
        assertThatThrownBy(() -> AgentFilter.StepFilter.parse("calico")).hasMessageContaining("unknown step 'calico'")
                .hasMessageContaining("etcdProxy, dockerClusterStore, cni, libnetwork, node");
        assertThatThrownBy(() -> AgentFilter.StepFilter.parse("cni:stuck")).hasMessageContaining("unknown step phase 'stuck'");
    }

    @Test
    void textMatchesIdHostOrMessageIgnoringCase() {
        assertThat(ids(new AgentFilter(Set.of(), Optional.empty(), "HOST-A3"))).containsExactly("a3");
        assertThat(ids(new AgentFilter(Set.of(), Optional.empty(), "checksum"))).containsExactly("a2");
        assertThat(ids(new AgentFilter(Set.of(), Optional.empty(), "a"))).hasSize(5);
    }

    @Test
    void everyConditionGivenMustHold() {
        AgentFilter filter = new AgentFilter(Set.of(AgentPhase.FAILED, AgentPhase.READY), Optional.of(AgentFilter.StepFilter.parse("cni")), "");

        assertThat(ids(filter)).containsExactly("a2");
        assertThat(AgentFilter.ANY.isAny()).isTrue();
        assertThat(filter.isAny()).isFalse();
    }

    private List<String> ids(AgentFilter filter) {
        return agents.stream().filter(filter::matches).map(AgentStatus::agentId).toList();
    }
}
