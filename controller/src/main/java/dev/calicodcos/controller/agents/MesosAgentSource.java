package dev.calicodcos.controller.agents;

import dev.calicodcos.controller.mesos.MesosAgent;
import dev.calicodcos.controller.mesos.MesosMaster;
import dev.calicodcos.controller.plan.AgentView;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The agent list from the Mesos master's {@code /master/slaves}. */
public final class MesosAgentSource implements AgentSource {
    private final MesosMaster master;

    public MesosAgentSource(MesosMaster master) {
        this.master = master;
    }

    @Override
    public List<AgentView> agents() {
        return master.agents().stream().map(MesosAgentSource::view).toList();
    }

    /** Private agents offer unreserved ({@code *}) resources; public ones are reserved for {@code slave_public}. */
    static AgentView view(MesosAgent agent) {
        Set<String> roles = new HashSet<>(agent.reservedRoles());
        if (agent.publicAgent()) {
            roles.add("slave_public");
        } else {
            roles.add("*");
        }
        return new AgentView(agent.id(), agent.hostname(), roles, agent.attributes(), agent.active(), agent.ip());
    }
}
