package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * Where an offered resource comes from: its {@code role}, {@code reservation(s)},
 * {@code allocation_info} and the other placement fields, kept verbatim.
 *
 * <p>A task resource must carry exactly the placement of the offered resource it is carved from,
 * otherwise the master rejects the launch; keeping the JSON as received means fields we do not
 * model (dynamic reservation labels, disk sources, provider IDs) still round-trip.
 */
public record ResourceOrigin(ObjectNode fields) {
    /** Fields of a v1 {@code Resource} that say where it lives rather than how much of it there is. */
    static final List<String> PLACEMENT_FIELDS = List.of(
            "role", "reservation", "reservations", "allocation_info", "disk", "revocable", "shared", "provider_id");

    public ResourceOrigin {
        fields = fields.deepCopy();
    }

    /** Copy, so that callers cannot change a value held by an immutable record. */
    @Override
    public ObjectNode fields() {
        return fields.deepCopy();
    }

    public static ResourceOrigin none() {
        return new ResourceOrigin(JsonNodeFactory.instance.objectNode());
    }

    /** Unreserved ({@code "*"}) or statically reserved resource, allocated to {@code allocationRole}. */
    public static ResourceOrigin of(String role, String allocationRole) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("role", role);
        node.putObject("allocation_info").put("role", allocationRole);
        return new ResourceOrigin(node);
    }

    static ResourceOrigin fromResourceJson(JsonNode resource) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (String field : PLACEMENT_FIELDS) {
            if (resource.has(field)) {
                node.set(field, resource.get(field));
            }
        }
        return new ResourceOrigin(node);
    }

    public Optional<String> role() {
        return Optional.ofNullable(fields.path("role").textValue());
    }

    public Optional<String> allocationRole() {
        return Optional.ofNullable(fields.path("allocation_info").path("role").textValue());
    }
}
