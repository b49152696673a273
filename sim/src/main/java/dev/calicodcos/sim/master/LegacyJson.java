package dev.calicodcos.sim.master;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.calicodcos.sim.proto.StrictJson;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos;

/**
 * The pieces of {@code /master/slaves} and {@code /master/state} in the legacy shapes of reference section 5, one
 * agent, framework or task at a time, so that {@link MasterAnswers} renders only what changed. Pure.
 */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class LegacyJson {
    static final List<String> AGENT_CAPABILITIES = List.of("MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT",
            "RESOURCE_PROVIDER", "RESIZE_VOLUME", "AGENT_OPERATION_FEEDBACK", "AGENT_DRAINING", "TASK_RESOURCE_LIMITS");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LegacyJson() {}

    /** Fields of {@code /master/slaves} after the {@code slaves} array. */
    static final String SLAVES_TAIL = "],\"recovered_slaves\":[]}";
    static final String SLAVES_HEAD = "{\"slaves\":[";

    /**
     * {@code /master/state} up to its {@code slaves} array, without the closing brace; the answer goes on with
     * {@code ,"slaves":[...],"recovered_slaves":[],"frameworks":[...]} and {@link #STATE_TAIL}.
     */
    static String stateHead(Views.MasterView view, String hostname, int port, long startMillis) {
        ObjectNode root = MAPPER.createObjectNode();
        String pid = "master@" + hostname + ":" + port;
        root.put("version", "1.11.0");
        root.put("id", view.masterId());
        root.put("pid", pid);
        root.put("hostname", hostname);
        root.put("start_time", startMillis / 1000.0);
        root.put("elected_time", startMillis / 1000.0);
        root.put("activated_slaves", view.agents().stream().filter(Views.AgentView::active).count());
        root.put("deactivated_slaves", view.agents().stream().filter(a -> !a.active()).count());
        root.put("unreachable_slaves", view.unreachableAgents());
        root.put("leader", pid);
        ObjectNode leader = root.putObject("leader_info");
        leader.put("id", view.masterId());
        leader.put("pid", pid);
        leader.put("port", port);
        leader.put("hostname", hostname);
        String json = root.toString();
        return json.substring(0, json.length() - 1);
    }

    static final String STATE_TAIL = "],\"completed_frameworks\":[],\"orphan_tasks\":[],\"unregistered_frameworks\":[]}";

    /** One entry of {@code slaves}: with the {@code *_full} resource lists in {@code /master/slaves}, without in {@code /master/state}. */
    static String agentJson(Views.AgentView a, boolean full, ResourceArrays arrays) {
        return agent(a, full, arrays).toString();
    }

    /**
     * The {@code *_full} resource lists as JSON arrays, remembered by value: agents mostly share the same few
     * lists (their totals, the same task's resources), and printing them through protobuf is most of the cost
     * of an agent. Bounded; safe for concurrent readers.
     */
    static final class ResourceArrays {
        private static final int MAX = 512;
        private final Map<List<Protos.Resource>, String> rendered = java.util.Collections.synchronizedMap(
                new java.util.LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<List<Protos.Resource>, String> eldest) {
                        return size() > MAX;
                    }
                });

        RawValue of(List<Protos.Resource> resources) {
            String json = rendered.get(resources);
            if (json == null) {
                json = protos(resources).toString();
                rendered.put(resources, json);
            }
            return new RawValue(json);
        }
    }

    /** One entry of {@code frameworks} in {@code /master/state} and {@code /master/frameworks}, with its already rendered tasks. */
    static String frameworkJson(Views.FrameworkView f, List<String> tasks) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", f.id());
        o.put("name", f.info().getName());
        o.put("user", f.info().getUser());
        o.put("failover_timeout", f.info().getFailoverTimeout());
        o.put("checkpoint", f.info().getCheckpoint());
        o.put("active", f.active());
        o.put("connected", f.active());
        ArrayNode roles = o.putArray("roles");
        f.roles().forEach(roles::add);
        String head = o.toString();
        return head.substring(0, head.length() - 1) + ",\"tasks\":[" + String.join(",", tasks)
                + "],\"unreachable_tasks\":[],\"completed_tasks\":[],\"offers\":[],\"executors\":[]}";
    }

    static String taskJson(Views.TaskView t) {
        ObjectNode task = MAPPER.createObjectNode();
        task.put("id", t.info().getTaskId().getValue());
        task.put("name", t.info().getName());
        task.put("framework_id", t.frameworkId());
        task.put("executor_id", t.info().getExecutor().getExecutorId().getValue()); // "" for command tasks, as Mesos writes it
        task.put("slave_id", t.info().getAgentId().getValue());
        task.put("state", t.state().name());
        task.set("resources", flat(ResourcePool.of(t.info().getResourcesList())));
        if (t.info().hasLabels()) {
            ArrayNode labels = task.putArray("labels");
            t.info().getLabels().getLabelsList().forEach(l -> labels.addObject().put("key", l.getKey()).put("value", l.getValue()));
        }
        if (t.info().hasContainer()) {
            task.set("container", tree(StrictJson.print(t.info().getContainer()))); // Mesos' JSON::Protobuf of ContainerInfo
        }
        return task.toString();
    }

    private static ObjectNode agent(Views.AgentView a, boolean full, ResourceArrays arrays) {
        ObjectNode o = MAPPER.createObjectNode();
        String host = a.spec().hostname();
        o.put("id", a.id());
        o.put("hostname", host);
        o.put("port", 5051);
        ObjectNode attrs = o.putObject("attributes");
        a.spec().attributes().forEach(attrs::put);
        o.put("pid", "slave(1)@" + host + ":5051");
        o.put("registered_time", seconds(a.registeredTime()));
        a.reregisteredTime().ifPresent(t -> o.put("reregistered_time", seconds(t)));
        o.set("resources", flat(a.total()));
        o.set("used_resources", flat(a.used()));
        o.set("offered_resources", flat(a.offered()));
        ObjectNode reserved = o.putObject("reserved_resources");
        ResourcePool reservedPool = a.total().filterRoles(r -> !r.equals("*"));
        reservedPool.roles().forEach(role -> reserved.set(role, flat(a.total().filterRoles(role::equals))));
        o.set("unreserved_resources", flat(a.total().filterRoles("*"::equals)));
        o.put("active", a.active());
        o.put("deactivated", false);
        o.put("version", a.spec().mesosVersion());
        ArrayNode caps = o.putArray("capabilities");
        AGENT_CAPABILITIES.forEach(caps::add);
        if (full) {
            ObjectNode reservedFull = o.putObject("reserved_resources_full");
            reservedPool.roles().forEach(role -> reservedFull.putRawValue(role,
                    arrays.of(withStaticReservations(a.total().filterRoles(role::equals).toProtos(Optional.empty())))));
            o.putRawValue("unreserved_resources_full", arrays.of(a.total().filterRoles("*"::equals).toProtos(Optional.empty())));
            o.putRawValue("used_resources_full", arrays.of(withStaticReservations(a.usedFull())));
            o.putRawValue("offered_resources_full", arrays.of(withStaticReservations(a.offeredFull())));
        }
        return o;
    }

    /** Flat map: always cpus, gpus, mem, disk; ranges as "[a-b, c-d]". */
    static ObjectNode flat(ResourcePool pool) {
        ObjectNode o = MAPPER.createObjectNode();
        Map<String, Double> scalars = pool.scalarsByName();
        for (String name : List.of("cpus", "gpus", "mem", "disk")) {
            o.put(name, scalars.getOrDefault(name, 0.0));
        }
        scalars.forEach((name, value) -> {
            if (!o.has(name)) {
                o.put(name, value);
            }
        });
        pool.rangesByName().forEach(o::put);
        return o;
    }

    private static List<Protos.Resource> withStaticReservations(List<Protos.Resource> resources) {
        return resources.stream().map(r -> r.getRole().equals("*") ? r : r.toBuilder()
                .addReservations(Protos.Resource.ReservationInfo.newBuilder()
                        .setType(Protos.Resource.ReservationInfo.Type.STATIC).setRole(r.getRole()))
                .build()).toList();
    }

    static ArrayNode protos(List<? extends com.google.protobuf.MessageOrBuilder> messages) {
        ArrayNode out = MAPPER.createArrayNode();
        for (var m : messages) {
            out.add(tree(StrictJson.print(m)));
        }
        return out;
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }
}
