package dev.calicodcos.controller.plan;

import dev.calicodcos.model.spec.AgentSelector;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Which agents a spec selects: one of the roles, every attribute, and not excluded by id or hostname. */
public final class AgentSelection {
    private AgentSelection() {}

    public static List<AgentView> select(AgentSelector selector, Collection<AgentView> agents) {
        return agents.stream()
                .filter(a -> selects(selector, a))
                .sorted(Comparator.comparing(AgentView::agentId))
                .toList();
    }

    public static boolean selects(AgentSelector selector, AgentView agent) {
        boolean role = agent.roles().stream().anyMatch(selector.roles()::contains);
        boolean attributes = selector.attributes().entrySet().stream()
                .allMatch(e -> e.getValue().equals(agent.attributes().get(e.getKey())));
        boolean excluded = selector.exclude().contains(agent.agentId()) || selector.exclude().contains(agent.hostname());
        return role && attributes && !excluded;
    }

}
