package dev.calicodcos.sim.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How the Docker Engine API renders containers and images (pure). */
final class DockerJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private DockerJson() {}

    /** {@code GET /containers/{id}/json}: {@code Image} is the image ID, {@code Config.Image} the reference as created. */
    static ObjectNode inspect(DockerContainer c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("Id", c.id);
        o.put("Created", c.created.toString());
        o.put("Path", strings(c.config.path("Entrypoint")).stream().findFirst().orElse(""));
        o.set("Args", c.config.path("Cmd").isArray() ? c.config.get("Cmd") : MAPPER.createArrayNode());
        ObjectNode state = o.putObject("State");
        state.put("Status", c.status);
        state.put("Running", c.running());
        state.put("Paused", false);
        state.put("Restarting", c.restarting());
        state.put("OOMKilled", false);
        state.put("Dead", false);
        state.put("Pid", c.status.equals("running") ? 10000 + Math.abs(c.id.hashCode() % 50000) : 0);
        state.put("ExitCode", c.exitCode);
        state.put("Error", "");
        state.put("StartedAt", time(c.startedAt));
        state.put("FinishedAt", time(c.finishedAt));
        o.put("Image", c.image.id());
        o.put("Name", "/" + c.name);
        o.put("RestartCount", c.restartCount);
        o.put("Driver", "overlay2");
        ObjectNode config = c.config.deepCopy();
        config.put("Image", c.imageRef);
        o.set("Config", config);
        o.set("HostConfig", c.hostConfig.deepCopy());
        o.putObject("NetworkSettings").putObject("Networks");
        o.putArray("Mounts");
        return o;
    }

    /** One entry of {@code GET /containers/json}. */
    static void listEntry(ObjectNode o, DockerContainer c) {
        o.put("Id", c.id);
        o.putArray("Names").add("/" + c.name);
        o.put("Image", c.imageRef);
        o.put("ImageID", c.image.id());
        o.put("Command", String.join(" ", strings(c.config.path("Cmd"))));
        o.put("Created", c.created.getEpochSecond());
        o.put("State", c.status);
        o.put("Status", switch (c.status) {
            case "running" -> "Up";
            case "restarting" -> "Restarting (" + c.exitCode + ")";
            case "created" -> "Created";
            default -> "Exited (" + c.exitCode + ")";
        });
        o.set("Labels", c.config.path("Labels").isObject() ? c.config.get("Labels") : MAPPER.createObjectNode());
        o.putObject("HostConfig").put("NetworkMode", c.hostConfig.path("NetworkMode").asText("default"));
    }

    /** {@code GET /images/{name}/json}, and with {@code summary} an entry of {@code GET /images/json}. */
    static ObjectNode image(LocalImages.LocalImage local, boolean summary) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("Id", local.image().id());
        ArrayNode tags = o.putArray("RepoTags");
        local.repoTags().forEach(tags::add);
        ArrayNode digests = o.putArray("RepoDigests");
        local.repoDigests().forEach(digests::add);
        if (summary) {
            o.put("ParentId", "");
            o.put("Created", 1577836800L);
        } else {
            o.put("Parent", "");
            o.put("Created", "2020-01-01T00:00:00Z");
            o.put("Os", "linux");
            o.put("Architecture", "amd64");
        }
        o.put("Size", 1024L);
        return o;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isObject()) {
            node.properties().forEach(e -> out.add(e.getKey()));
        } else if (node.isTextual()) {
            out.add(node.asText());
        }
        return out;
    }

    private static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }
}
