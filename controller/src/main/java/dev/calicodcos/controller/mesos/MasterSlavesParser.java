package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static dev.calicodcos.controller.mesos.WireJson.optionalText;
import static dev.calicodcos.controller.mesos.WireJson.requiredText;

/**
 * Parses the legacy {@code /master/slaves} answer: flat string IDs, flat resource maps, attribute
 * maps, float-second times, plus the reduced entries of {@code recovered_slaves}.
 */
public final class MasterSlavesParser {
    private static final String PUBLIC_ROLE = FrameworkInfo.PUBLIC_AGENT_ROLE;
    private static final int DEFAULT_AGENT_PORT = 5051;

    private final ObjectMapper json;

    public MasterSlavesParser(ObjectMapper json) {
        this.json = json;
    }

    public List<MesosAgent> parse(byte[] body) {
        return parse(new ByteArrayInputStream(body));
    }

    /**
     * Reads the answer one agent at a time: at 10,000 agents (some 15 to 60 MB) the whole answer never sits
     * in memory as one JSON tree. Fields other than {@code slaves} and {@code recovered_slaves} are skipped.
     */
    public List<MesosAgent> parse(InputStream body) {
        List<MesosAgent> registered = new ArrayList<>();
        List<MesosAgent> recovered = new ArrayList<>();
        boolean slaves = false;
        try (JsonParser in = json.getFactory().createParser(body)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new MesosException(MesosException.Reason.PROTOCOL, "/master/slaves answer is not a JSON object");
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken value = in.nextToken();
                if (field.equals("slaves") && value == JsonToken.START_ARRAY) {
                    slaves = true;
                    eachElement(in, slave -> registered.add(registered(slave)));
                } else if (field.equals("recovered_slaves") && value == JsonToken.START_ARRAY) {
                    eachElement(in, slave -> recovered.add(recovered(slave)));
                } else {
                    in.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "/master/slaves answer is not JSON", e);
        }
        if (!slaves) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "/master/slaves answer has no slaves array");
        }
        registered.addAll(recovered);
        return registered;
    }

    private void eachElement(JsonParser in, Consumer<JsonNode> each) throws IOException {
        for (JsonToken token = in.nextToken(); token != JsonToken.END_ARRAY; token = in.nextToken()) {
            if (token == null) {
                throw new MesosException(MesosException.Reason.PROTOCOL, "/master/slaves answer ends inside an array");
            }
            each.accept(json.readTree(in));
        }
    }

    private static MesosAgent registered(JsonNode slave) {
        Map<String, String> attributes = attributes(slave.path("attributes"));
        Set<String> reserved = new LinkedHashSet<>();
        slave.path("reserved_resources").fieldNames().forEachRemaining(reserved::add);
        MesosAgent.Status status;
        if (slave.path("deactivated").asBoolean(false)) {
            status = MesosAgent.Status.DEACTIVATED;
        } else {
            status = slave.path("active").asBoolean(false) ? MesosAgent.Status.ACTIVE : MesosAgent.Status.DISCONNECTED;
        }
        String hostname = requiredText(slave, "hostname");
        return new MesosAgent(
                requiredText(slave, "id"),
                hostname,
                ipFromPid(optionalText(slave, "pid")).orElse(hostname),
                port(slave),
                status,
                isPublic(attributes, reserved),
                reserved,
                attributes,
                totals(slave.path("resources")),
                optionalText(slave, "version"),
                seconds(slave.get("registered_time")),
                seconds(slave.get("reregistered_time")),
                optionalText(slave.path("domain").path("fault_domain").path("region"), "name"),
                optionalText(slave.path("domain").path("fault_domain").path("zone"), "name"));
    }

    private static MesosAgent recovered(JsonNode slave) {
        Map<String, String> attributes = attributes(slave.path("attributes"));
        String hostname = requiredText(slave, "hostname");
        return new MesosAgent(
                requiredText(slave, "id"),
                hostname,
                hostname,
                slave.path("port").asInt(DEFAULT_AGENT_PORT),
                MesosAgent.Status.RECOVERING,
                isPublic(attributes, Set.of()),
                Set.of(),
                attributes,
                ResourceTotals.NONE,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                optionalText(slave.path("domain").path("fault_domain").path("region"), "name"),
                optionalText(slave.path("domain").path("fault_domain").path("zone"), "name"));
    }

    /** DC/OS public agents: text attribute {@code public_ip:"true"}, and all resources reserved for slave_public. */
    private static boolean isPublic(Map<String, String> attributes, Set<String> reservedRoles) {
        return "true".equals(attributes.get("public_ip")) || reservedRoles.contains(PUBLIC_ROLE);
    }

    private static Map<String, String> attributes(JsonNode attributes) {
        Map<String, String> map = new HashMap<>();
        attributes.properties().forEach(e -> map.put(e.getKey(), WireJson.scalarText(e.getValue())));
        return map;
    }

    private static ResourceTotals totals(JsonNode resources) {
        Map<String, Double> scalars = new HashMap<>();
        Map<String, String> text = new HashMap<>();
        resources.properties().forEach(e -> {
            if (e.getValue().isNumber()) {
                scalars.put(e.getKey(), e.getValue().doubleValue());
            } else if (e.getValue().isTextual()) {
                text.put(e.getKey(), e.getValue().textValue());
            }
        });
        return new ResourceTotals(scalars, text);
    }

    /** The {@code port} field; {@code /master/state-summary} leaves it out, so fall back to the pid. */
    private static int port(JsonNode slave) {
        if (slave.path("port").isInt()) {
            return slave.path("port").intValue();
        }
        String pid = slave.path("pid").asText("");
        try {
            return Integer.parseInt(pid.substring(pid.lastIndexOf(':') + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return DEFAULT_AGENT_PORT;
        }
    }

    /** {@code slave(1)@10.0.1.21:5051} → {@code 10.0.1.21}. */
    static Optional<String> ipFromPid(Optional<String> pid) {
        return pid.flatMap(p -> {
            int at = p.indexOf('@');
            int colon = p.lastIndexOf(':');
            return at >= 0 && colon > at + 1 ? Optional.of(p.substring(at + 1, colon)) : Optional.empty();
        });
    }

    /** Float seconds since the epoch, read through BigDecimal so that the fraction is not mangled. */
    private static Optional<Instant> seconds(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return Optional.empty();
        }
        BigDecimal value = node.decimalValue();
        long whole = value.longValue();
        long nanos = value.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Optional.of(Instant.ofEpochSecond(whole, nanos));
    }
}
