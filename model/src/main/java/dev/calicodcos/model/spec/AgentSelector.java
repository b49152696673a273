package dev.calicodcos.model.spec;

import java.util.List;
import java.util.Map;

/** An agent is selected when it has one of the roles, all the attributes, and is not excluded. */
public record AgentSelector(List<String> roles, Map<String, String> attributes, List<String> exclude) {
    public AgentSelector {
        roles = List.copyOf(roles);
        attributes = Map.copyOf(attributes);
        exclude = List.copyOf(exclude);
    }
}
