package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.calicodcos.controller.mesos.WireJson.id;

/**
 * Builds the JSON bodies of v1 scheduler calls. Pure functions: no I/O, no state.
 *
 * <p>Field names are the protobuf names (snake_case), IDs are wrapped, and only fields that exist in
 * {@code scheduler.proto} are written (the simulator rejects unknown fields).
 */
public final class SchedulerCalls {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchedulerCalls() {}

    /** SUBSCRIBE; with a stored framework ID both the top-level field and {@code framework_info.id} carry it. */
    public static ObjectNode subscribe(FrameworkInfo info, Optional<String> frameworkId,
                                       Collection<String> suppressedRoles) {
        ObjectNode call = NODES.objectNode();
        frameworkId.ifPresent(fid -> call.set("framework_id", id(fid)));
        call.put("type", "SUBSCRIBE");
        ObjectNode subscribe = call.putObject("subscribe");
        subscribe.set("framework_info", frameworkInfo(info, frameworkId));
        if (!suppressedRoles.isEmpty()) {
            strings(subscribe.putArray("suppressed_roles"), suppressedRoles);
        }
        return call;
    }

    static ObjectNode frameworkInfo(FrameworkInfo info, Optional<String> frameworkId) {
        ObjectNode node = NODES.objectNode();
        frameworkId.ifPresent(fid -> node.set("id", id(fid)));
        node.put("user", info.user());
        node.put("name", info.name());
        info.principal().ifPresent(p -> node.put("principal", p));
        strings(node.putArray("roles"), info.roles());
        node.put("failover_timeout", seconds(info.failoverTimeout()));
        node.put("checkpoint", info.checkpoint());
        info.hostname().ifPresent(h -> node.put("hostname", h));
        info.webuiUrl().ifPresent(u -> node.put("webui_url", u));
        ArrayNode capabilities = node.putArray("capabilities");
        info.capabilities().forEach(c -> capabilities.addObject().put("type", c));
        if (!info.labels().isEmpty()) {
            node.set("labels", labels(info.labels()));
        }
        return node;
    }

    /** ACCEPT with one LAUNCH of {@code tasks}; the unused rest of the offers is refused for {@code refuse}. */
    public static ObjectNode accept(String frameworkId, List<String> offerIds, List<TaskLaunch> tasks,
                                    Optional<Duration> refuse) {
        if (offerIds.isEmpty()) {
            throw new IllegalArgumentException("ACCEPT needs at least one offer");
        }
        ObjectNode call = envelope(frameworkId, "ACCEPT");
        ObjectNode accept = call.putObject("accept");
        offerIdList(accept.putArray("offer_ids"), offerIds);
        ArrayNode operations = accept.putArray("operations");
        if (!tasks.isEmpty()) {
            ObjectNode launch = operations.addObject().put("type", "LAUNCH").putObject("launch");
            ArrayNode taskInfos = launch.putArray("task_infos");
            tasks.forEach(t -> taskInfos.add(taskInfo(t)));
        }
        refuse.ifPresent(r -> accept.set("filters", filters(r)));
        return call;
    }

    public static ObjectNode decline(String frameworkId, List<String> offerIds, Optional<Duration> refuse) {
        ObjectNode call = envelope(frameworkId, "DECLINE");
        ObjectNode decline = call.putObject("decline");
        offerIdList(decline.putArray("offer_ids"), offerIds);
        refuse.ifPresent(r -> decline.set("filters", filters(r)));
        return call;
    }

    /** REVIVE; an empty collection revives every role of the framework. */
    public static ObjectNode revive(String frameworkId, Collection<String> roles) {
        ObjectNode call = envelope(frameworkId, "REVIVE");
        if (!roles.isEmpty()) {
            strings(call.putObject("revive").putArray("roles"), roles);
        }
        return call;
    }

    /** SUPPRESS; an empty collection suppresses every role of the framework. */
    public static ObjectNode suppress(String frameworkId, Collection<String> roles) {
        ObjectNode call = envelope(frameworkId, "SUPPRESS");
        if (!roles.isEmpty()) {
            strings(call.putObject("suppress").putArray("roles"), roles);
        }
        return call;
    }

    public static ObjectNode kill(String frameworkId, String taskId, Optional<String> agentId,
                                  Optional<Duration> gracePeriod) {
        ObjectNode call = envelope(frameworkId, "KILL");
        ObjectNode kill = call.putObject("kill");
        kill.set("task_id", id(taskId));
        agentId.ifPresent(a -> kill.set("agent_id", id(a)));
        gracePeriod.ifPresent(g -> kill.set("kill_policy", killPolicy(g)));
        return call;
    }

    /** ACKNOWLEDGE of an update that carried a uuid; the uuid is sent back exactly as received. */
    public static ObjectNode acknowledge(String frameworkId, TaskStatus status) {
        String uuid = status.uuid().orElseThrow(() -> new IllegalArgumentException(
                "update of task " + status.taskId() + " has no uuid and must not be acknowledged"));
        String agentId = status.agentId().orElseThrow(() -> new IllegalArgumentException(
                "update of task " + status.taskId() + " has no agent_id to acknowledge with"));
        ObjectNode call = envelope(frameworkId, "ACKNOWLEDGE");
        ObjectNode ack = call.putObject("acknowledge");
        ack.set("agent_id", id(agentId));
        ack.set("task_id", id(status.taskId()));
        ack.put("uuid", uuid);
        return call;
    }

    /** RECONCILE: explicit for the given tasks, implicit (every task the master knows) when empty. */
    public static ObjectNode reconcile(String frameworkId, Collection<TaskRef> tasks) {
        ObjectNode call = envelope(frameworkId, "RECONCILE");
        ObjectNode reconcile = call.putObject("reconcile");
        if (!tasks.isEmpty()) {
            ArrayNode list = reconcile.putArray("tasks");
            for (TaskRef task : tasks) {
                ObjectNode entry = list.addObject();
                entry.set("task_id", id(task.taskId()));
                task.agentId().ifPresent(a -> entry.set("agent_id", id(a)));
            }
        }
        return call;
    }

    /** TEARDOWN: kills every task and retires the framework ID forever. Only for uninstalling. */
    public static ObjectNode teardown(String frameworkId) {
        return envelope(frameworkId, "TEARDOWN");
    }

    static ObjectNode taskInfo(TaskLaunch task) {
        ObjectNode node = NODES.objectNode();
        node.put("name", task.name());
        node.set("task_id", id(task.taskId()));
        node.set("agent_id", id(task.agentId()));
        ArrayNode resources = node.putArray("resources");
        task.resources().forEach(r -> resources.add(resource(r)));
        node.set("command", command(task.command()));
        task.killGracePeriod().ifPresent(g -> node.set("kill_policy", killPolicy(g)));
        if (!task.labels().isEmpty()) {
            node.set("labels", labels(task.labels()));
        }
        return node;
    }

    static ObjectNode resource(Resource resource) {
        ObjectNode node = NODES.objectNode();
        node.put("name", resource.name());
        node.put("type", resource.kind().name());
        switch (resource.kind()) {
            case SCALAR -> node.putObject("scalar").put("value", resource.scalar());
            case RANGES -> {
                ArrayNode ranges = node.putObject("ranges").putArray("range");
                resource.ranges().forEach(r -> ranges.addObject().put("begin", r.begin()).put("end", r.end()));
            }
            case SET -> strings(node.putObject("set").putArray("item"), resource.items());
        }
        node.setAll(resource.origin().fields());
        return node;
    }

    static ObjectNode command(CommandSpec command) {
        ObjectNode node = NODES.objectNode();
        node.put("value", command.value());
        node.put("shell", command.shell());
        if (!command.arguments().isEmpty()) {
            strings(node.putArray("arguments"), command.arguments());
        }
        if (!command.uris().isEmpty()) {
            ArrayNode uris = node.putArray("uris");
            for (FetchUri uri : command.uris()) {
                ObjectNode entry = uris.addObject()
                        .put("value", uri.value())
                        .put("executable", uri.executable())
                        .put("extract", uri.extract())
                        .put("cache", uri.cache());
                uri.outputFile().ifPresent(f -> entry.put("output_file", f));
            }
        }
        if (!command.environment().isEmpty()) {
            ArrayNode variables = node.putObject("environment").putArray("variables");
            command.environment().forEach((k, v) -> variables.addObject().put("name", k).put("value", v));
        }
        command.user().ifPresent(u -> node.put("user", u));
        return node;
    }

    private static ObjectNode envelope(String frameworkId, String type) {
        ObjectNode call = NODES.objectNode();
        call.set("framework_id", id(frameworkId));
        call.put("type", type);
        return call;
    }

    private static ObjectNode filters(Duration refuse) {
        return NODES.objectNode().put("refuse_seconds", seconds(refuse));
    }

    private static ObjectNode killPolicy(Duration grace) {
        ObjectNode policy = NODES.objectNode();
        policy.putObject("grace_period").put("nanoseconds", grace.toNanos());
        return policy;
    }

    private static ObjectNode labels(Map<String, String> labels) {
        ObjectNode node = NODES.objectNode();
        ArrayNode list = node.putArray("labels");
        labels.forEach((k, v) -> list.addObject().put("key", k).put("value", v));
        return node;
    }

    private static void offerIdList(ArrayNode array, List<String> offerIds) {
        offerIds.forEach(o -> array.add(id(o)));
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
