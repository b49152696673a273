package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.calicodcos.controller.mesos.WireJson.optionalText;
import static dev.calicodcos.controller.mesos.WireJson.requiredText;

/**
 * Parses the live tasks out of {@code /master/frameworks} (and {@code /master/state}, whose {@code frameworks}
 * are the same): each active framework's {@code tasks}, with the framework's {@code name} and {@code checkpoint}.
 * Streams: a framework's {@code completed_tasks}, {@code executors} and the {@code completed_frameworks} are
 * skipped without being built, and only one task at a time is a JSON tree.
 */
public final class MasterFrameworksParser {
    private final ObjectMapper json;

    public MasterFrameworksParser(ObjectMapper json) {
        this.json = json;
    }

    public List<MasterTask> parse(InputStream body) {
        List<MasterTask> tasks = new ArrayList<>();
        boolean frameworks = false;
        try (JsonParser in = json.getFactory().createParser(body)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw protocol("is not a JSON object");
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken value = in.nextToken();
                if (field.equals("frameworks") && value == JsonToken.START_ARRAY) {
                    frameworks = true;
                    for (JsonToken token = in.nextToken(); token != JsonToken.END_ARRAY; token = in.nextToken()) {
                        if (token != JsonToken.START_OBJECT) {
                            throw protocol("has a framework that is not an object");
                        }
                        framework(in, tasks);
                    }
                } else {
                    in.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new MesosException(MesosException.Reason.PROTOCOL, "/master/frameworks answer is not JSON", e);
        }
        if (!frameworks) {
            throw protocol("has no frameworks array");
        }
        return tasks;
    }

    private record Task(String id, String name, String agentId, TaskState state, Optional<String> containerType) {}

    /** One framework object, from after its '{' to its '}'. */
    private void framework(JsonParser in, List<MasterTask> out) throws IOException {
        String id = null;
        String name = "";
        boolean checkpoint = false;
        List<Task> tasks = new ArrayList<>();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            JsonToken value = in.nextToken();
            switch (field) {
                case "id" -> id = in.getValueAsString();
                case "name" -> name = in.getValueAsString("");
                case "checkpoint" -> checkpoint = value == JsonToken.VALUE_TRUE;
                case "tasks" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw protocol("has a framework whose tasks are not an array");
                    }
                    for (JsonToken token = in.nextToken(); token != JsonToken.END_ARRAY; token = in.nextToken()) {
                        if (token == null) {
                            throw protocol("ends inside a task list");
                        }
                        tasks.add(task(json.readTree(in)));
                    }
                }
                default -> in.skipChildren();
            }
        }
        if (id == null) {
            throw protocol("has a framework without an id");
        }
        for (Task t : tasks) {
            out.add(new MasterTask(t.id(), t.name(), id, name, checkpoint, t.agentId(), t.state(), t.containerType()));
        }
    }

    private static Task task(JsonNode task) {
        return new Task(requiredText(task, "id"), optionalText(task, "name").orElse(""), requiredText(task, "slave_id"),
                TaskState.parse(requiredText(task, "state")), optionalText(task.path("container"), "type"));
    }

    private static MesosException protocol(String what) {
        return new MesosException(MesosException.Reason.PROTOCOL, "/master/frameworks answer " + what);
    }
}
