package dev.calicodcos.controller.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.mesos.MesosAgent;
import dev.calicodcos.controller.mesos.ResourceTotals;
import dev.calicodcos.controller.plan.AgentView;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MesosAgentSourceTest {

    private static MesosAgent agent(String id, boolean publicAgent, Set<String> reserved, MesosAgent.Status status) {
        return new MesosAgent(id, id + ".example.com", "10.0.0.1", 5051, status, publicAgent, reserved,
                publicAgent ? Map.of("public_ip", "true") : Map.of(), ResourceTotals.NONE, Optional.of("1.11.0"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void privateAgentsOfferTheDefaultRoleAndPublicOnesSlavePublic() {
        AgentView privateAgent = MesosAgentSource.view(agent("a1", false, Set.of(), MesosAgent.Status.ACTIVE));
        AgentView publicAgent = MesosAgentSource.view(agent("p1", true, Set.of("slave_public"), MesosAgent.Status.ACTIVE));
        AgentView reserved = MesosAgentSource.view(agent("a2", false, Set.of("kafka"), MesosAgent.Status.DISCONNECTED));

        assertThat(privateAgent.roles()).containsExactly("*");
        assertThat(publicAgent.roles()).containsExactly("slave_public");
        assertThat(publicAgent.attributes()).containsEntry("public_ip", "true");
        assertThat(reserved.roles()).containsExactlyInAnyOrder("*", "kafka");
        assertThat(reserved.active()).isFalse();
    }
}
