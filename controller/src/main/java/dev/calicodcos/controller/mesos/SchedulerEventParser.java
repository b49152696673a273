package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static dev.calicodcos.controller.mesos.WireJson.optionalId;
import static dev.calicodcos.controller.mesos.WireJson.optionalText;
import static dev.calicodcos.controller.mesos.WireJson.requiredId;
import static dev.calicodcos.controller.mesos.WireJson.requiredText;

/**
 * Turns one RecordIO record of the v1 scheduler stream (JSON) into a {@link SchedulerEvent}.
 *
 * <p>Parses the wire form only (reference section 13): an upstream-doc {@code OFFERS} without the
 * inner {@code offers} array or an {@code ERROR} without the {@code error} object is rejected.
 */
public final class SchedulerEventParser {
    private final ObjectMapper json;

    public SchedulerEventParser(ObjectMapper json) {
        this.json = json;
    }

    public SchedulerEvent parse(byte[] record) {
        JsonNode event;
        try {
            event = json.readTree(record);
        } catch (IOException e) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "scheduler event is not JSON", e);
        }
        if (event == null || !event.isObject()) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "scheduler event is not a JSON object");
        }
        String type = requiredText(event, "type");
        return switch (type) {
            case "SUBSCRIBED" -> subscribed(payload(event, "subscribed"));
            case "OFFERS" -> offers(event.path("offers"));
            case "RESCIND" -> new SchedulerEvent.Rescind(requiredId(payload(event, "rescind"), "offer_id"));
            case "UPDATE" -> new SchedulerEvent.Update(taskStatus(payload(payload(event, "update"), "status")));
            case "MESSAGE" -> message(payload(event, "message"));
            case "FAILURE" -> failure(payload(event, "failure"));
            case "ERROR" -> new SchedulerEvent.Error(requiredText(payload(event, "error"), "message"));
            case "HEARTBEAT" -> new SchedulerEvent.Heartbeat();
            default -> new SchedulerEvent.Unknown(type);
        };
    }

    private static JsonNode payload(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "missing object " + field);
        }
        return node;
    }

    private static SchedulerEvent subscribed(JsonNode subscribed) {
        double seconds = subscribed.path("heartbeat_interval_seconds").asDouble(15.0);
        return new SchedulerEvent.Subscribed(
                requiredId(subscribed, "framework_id"),
                Duration.ofMillis(Math.round(seconds * 1000)),
                optionalText(subscribed.path("master_info"), "version"));
    }

    private static SchedulerEvent offers(JsonNode offers) {
        JsonNode list = offers.path("offers");
        if (!list.isArray()) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "OFFERS without offers.offers array");
        }
        List<Offer> parsed = new ArrayList<>();
        for (JsonNode offer : list) {
            parsed.add(offer(offer));
        }
        return new SchedulerEvent.Offers(parsed);
    }

    static Offer offer(JsonNode offer) {
        List<Resource> resources = new ArrayList<>();
        for (JsonNode resource : offer.path("resources")) {
            resources.add(resource(resource));
        }
        List<String> executors = new ArrayList<>();
        for (JsonNode executor : offer.path("executor_ids")) {
            executors.add(requiredText(executor, "value"));
        }
        return new Offer(
                requiredId(offer, "id"),
                optionalId(offer, "framework_id").orElse(""),
                requiredId(offer, "agent_id"),
                optionalText(offer, "hostname").orElse(""),
                optionalText(offer.path("allocation_info"), "role"),
                resources,
                attributes(offer.path("attributes")),
                executors);
    }

    static Resource resource(JsonNode resource) {
        String name = requiredText(resource, "name");
        ResourceOrigin origin = ResourceOrigin.fromResourceJson(resource);
        String type = requiredText(resource, "type");
        return switch (type) {
            case "SCALAR" -> Resource.scalar(name, resource.path("scalar").path("value").asDouble(), origin);
            case "RANGES" -> {
                List<ValueRange> ranges = new ArrayList<>();
                for (JsonNode range : resource.path("ranges").path("range")) {
                    ranges.add(new ValueRange(range.path("begin").asLong(), range.path("end").asLong()));
                }
                yield Resource.ranges(name, ranges, origin);
            }
            case "SET" -> {
                List<String> items = new ArrayList<>();
                resource.path("set").path("item").forEach(item -> items.add(item.asText()));
                yield new Resource(name, Resource.Kind.SET, 0, List.of(), items, origin);
            }
            default -> throw new MesosException(MesosException.Reason.PROTOCOL,
                    "unsupported resource type " + type + " for " + name);
        };
    }

    /** v1 typed attributes as a name → text map (TEXT value, SCALAR number, RANGES/SET as JSON). */
    private static Map<String, String> attributes(JsonNode attributes) {
        Map<String, String> map = new LinkedHashMap<>();
        for (JsonNode attribute : attributes) {
            String name = requiredText(attribute, "name");
            String type = attribute.path("type").asText();
            String value = switch (type) {
                case "TEXT" -> attribute.path("text").path("value").asText();
                case "SCALAR" -> WireJson.scalarText(attribute.path("scalar").path("value"));
                case "RANGES" -> attribute.path("ranges").toString();
                case "SET" -> attribute.path("set").toString();
                default -> "";
            };
            map.put(name, value);
        }
        return map;
    }

    static TaskStatus taskStatus(JsonNode status) {
        String stateName = requiredText(status, "state");
        JsonNode timestamp = status.get("timestamp");
        return new TaskStatus(
                requiredId(status, "task_id"),
                TaskState.parse(stateName),
                stateName,
                optionalId(status, "agent_id"),
                optionalId(status, "executor_id"),
                optionalText(status, "message"),
                optionalText(status, "source"),
                optionalText(status, "reason"),
                timestamp != null && timestamp.isNumber()
                        ? Optional.of(Instant.ofEpochMilli(Math.round(timestamp.asDouble() * 1000)))
                        : Optional.empty(),
                optionalText(status, "uuid"),
                status.has("healthy") ? Optional.of(status.get("healthy").asBoolean()) : Optional.empty());
    }

    private static SchedulerEvent message(JsonNode message) {
        return new SchedulerEvent.Message(requiredId(message, "agent_id"), requiredId(message, "executor_id"),
                optionalText(message, "data").orElse(""));
    }

    private static SchedulerEvent failure(JsonNode failure) {
        JsonNode status = failure.get("status");
        return new SchedulerEvent.Failure(requiredId(failure, "agent_id"), optionalId(failure, "executor_id"),
                status != null && status.isInt() ? OptionalInt.of(status.intValue()) : OptionalInt.empty());
    }
}
