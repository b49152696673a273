package dev.calicodcos.controller.mesos;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One offer: resources of one agent, for one role (for MULTI_ROLE frameworks). */
public record Offer(String id, String frameworkId, String agentId, String hostname,
                    Optional<String> allocationRole, List<Resource> resources,
                    Map<String, String> attributes, List<String> executorIds) {

    public Offer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agentId, "agentId");
        resources = List.copyOf(resources);
        attributes = Map.copyOf(attributes);
        executorIds = List.copyOf(executorIds);
    }

    /** DC/OS marks public agents with the text attribute {@code public_ip:true}. */
    public boolean fromPublicAgent() {
        return "true".equals(attributes.get("public_ip"));
    }

    public Optional<Resource> resource(String name) {
        return resources.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Sum of a scalar resource over the offer (a name may appear once per reservation). */
    public double scalar(String name) {
        return resources.stream().filter(r -> r.name().equals(name) && r.kind() == Resource.Kind.SCALAR)
                .mapToDouble(Resource::scalar).sum();
    }
}
